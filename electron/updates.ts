// Auto-update through electron-updater, off unless a feed is configured: MD_UPDATE_FEED_URL at run
// time, or a publish provider given at build time (electron-builder then writes app-update.yml
// into the app's resources). Pure decision here; main.ts loads electron-updater only when it is on.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type UpdateFeed = { enabled: false; reason: string } | { enabled: true; url?: string };

export function updateFeed(env: NodeJS.ProcessEnv, resourcesPath: string | undefined, isPackaged: boolean): UpdateFeed {
  const url = env.MD_UPDATE_FEED_URL?.trim();
  if (url) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(parsed.hostname))) {
        return { enabled: false, reason: 'MD_UPDATE_FEED_URL must be an https:// address' };
      }
      return { enabled: true, url: parsed.href };
    } catch {
      return { enabled: false, reason: 'MD_UPDATE_FEED_URL is not a valid URL' };
    }
  }
  if (!isPackaged) return { enabled: false, reason: 'updates apply to installed builds only' };
  if (resourcesPath && existsSync(join(resourcesPath, 'app-update.yml'))) return { enabled: true };
  return { enabled: false, reason: 'no update feed is configured for this build' };
}
