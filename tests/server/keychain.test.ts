import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSettingsStore } from '../../server/config/settings-store';
import { openKeychain } from '../../server/keychain/keychain';
import { requirePrerequisite } from '../helpers/prerequisites';

// The real OS keychain (Secret Service over D-Bus on Linux; `npm test` starts a private one).
const service = `Meterdesk-test-${randomBytes(4).toString('hex')}`;
const keychain = await openKeychain(service);
const available = requirePrerequisite('OS keychain', keychain.available ? { ok: true } : { ok: false, reason: keychain.unavailableReason ?? 'unknown' });

describe.runIf(available)('OS keychain', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await keychain.delete('session-token');
    await keychain.delete('database-url');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('stores, reads and deletes a secret', async () => {
    expect(await keychain.get('session-token')).toBeUndefined();
    await keychain.set('session-token', 'mds_secret_value');
    expect(await (await openKeychain(service)).get('session-token')).toBe('mds_secret_value');
    await keychain.delete('session-token');
    expect(await keychain.get('session-token')).toBeUndefined();
  });

  it('keeps a saved database URL in the keychain, never in the settings file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-kc-'));
    dirs.push(dataDir);
    const settings = createSettingsStore(dataDir, keychain);
    const url = 'postgresql://meterdesk:s3cret-pw@db.internal:5432/meterdesk';
    await settings.saveDatabaseUrl(url);
    expect(await settings.savedDatabaseUrl()).toBe(url);
    const file = await readFile(join(dataDir, 'settings.json'), 'utf8');
    expect(file).not.toContain('s3cret-pw');
    expect(JSON.parse(file)).toEqual({ databaseUrlSaved: true });
    await settings.saveDatabaseUrl(null);
    expect(await settings.savedDatabaseUrl()).toBeUndefined();
    expect(await keychain.get('database-url')).toBeUndefined();
  });
});
