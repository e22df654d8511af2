// Whether the electron-vite build in out/ is older than its sources, so `npm start` and `npm run
// serve` rebuild when something changed and start straight away when nothing did. Plain Node ESM:
// it runs before anything is built. Compares modification times, as make does.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIRS = ['electron', 'renderer', 'server'];
const SOURCE_FILES = ['electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json'];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestIn(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestIn(path) : (mtime(path) ?? 0));
  }
  return newest;
}

/**
 * True when any of `outputs` (paths relative to root) is missing or older than the newest source.
 * @param {string} root
 * @param {string[]} outputs
 */
export function buildIsStale(root, outputs) {
  const built = outputs.map((o) => mtime(join(root, o)));
  if (built.some((t) => t === undefined)) return true;
  const newestSource = Math.max(...SOURCE_DIRS.map((d) => newestIn(join(root, d))), ...SOURCE_FILES.map((f) => mtime(join(root, f)) ?? 0));
  return newestSource > Math.min(...built);
}
