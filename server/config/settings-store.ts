// Local settings of this installation. The shared database's URL holds a password, so it is kept
// in the keychain; the settings file only records that one is saved.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Keychain } from '../keychain/keychain';

const DATABASE_URL_ACCOUNT = 'database-url';

export interface LocalSettings {
  databaseUrlSaved?: boolean;
}

export interface SettingsStore {
  read(): Promise<LocalSettings>;
  savedDatabaseUrl(): Promise<string | undefined>;
  saveDatabaseUrl(url: string | null): Promise<void>;
}

export function createSettingsStore(dataDir: string, keychain: Keychain): SettingsStore {
  const file = join(dataDir, 'settings.json');
  const read = async (): Promise<LocalSettings> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as LocalSettings;
    } catch {
      return {};
    }
  };
  const write = async (settings: LocalSettings) => {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(settings, null, 2));
  };
  return {
    read,
    async savedDatabaseUrl() {
      return (await read()).databaseUrlSaved ? keychain.get(DATABASE_URL_ACCOUNT) : undefined;
    },
    async saveDatabaseUrl(url) {
      if (url) await keychain.set(DATABASE_URL_ACCOUNT, url);
      else await keychain.delete(DATABASE_URL_ACCOUNT);
      await write({ ...(await read()), databaseUrlSaved: !!url });
    },
  };
}
