// The desktop's own preferences (this computer, this person): whether native notifications are
// muted. A small JSON file in the data folder, zod-checked when read; no `electron` import.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const schema = z.object({ muteNotifications: z.boolean().default(false) });
export type DesktopPreferences = z.infer<typeof schema>;
const FILE = 'desktop-preferences.json';

export function loadPreferences(dataDir: string): DesktopPreferences {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or unreadable: the defaults
  }
  return { muteNotifications: false };
}

export function savePreferences(dataDir: string, preferences: DesktopPreferences): void {
  writeFileSync(join(dataDir, FILE), `${JSON.stringify(schema.parse(preferences))}\n`);
}
