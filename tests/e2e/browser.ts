import { existsSync } from 'node:fs';
import { requirePrerequisite } from '../helpers/prerequisites';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium with the flags this network-less machine needs. */
export const chromiumAvailable = requirePrerequisite(
  'Chromium',
  existsSync(CHROMIUM_PATH) ? { ok: true } : { ok: false, reason: `no browser at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)` },
);

export const launchOptions = {
  executablePath: CHROMIUM_PATH,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};
