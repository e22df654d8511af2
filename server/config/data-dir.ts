import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'Meterdesk';

/** DATA_DIR, or the per-user app-data folder Electron also uses (app.getPath('userData')). */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATA_DIR) return env.DATA_DIR;
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
  }
}
