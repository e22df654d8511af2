// Paths the main process acts on for exports: where a Save dialog said to write, and which .mdpack
// to open (from the Open dialog, a launch argument or macOS's open-file). Every one is validated
// with zod before anything reads or writes it; a refusal carries a message for the person and never
// echoes more of the path than its name. Pure apart from stat(); no `electron` import.
import { statSync } from 'node:fs';
import { basename, extname, isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { SavableKind } from '../server/exports/desktop-files';

const MAX_PATH = 4096;
/** The same ceiling as browser mode's upload (server/http/register-export-routes.ts). */
export const MAX_PACK_BYTES = 2 * 1024 * 1024 * 1024;
export const EXTENSION: Record<SavableKind, string> = { csv: '.csv', pdf: '.pdf', mdpack: '.mdpack' };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const pathText = z
  .string('it is not a file path')
  .min(1, 'it is empty')
  .max(MAX_PATH, 'it is too long')
  .refine((p) => !CONTROL.test(p), 'it contains control characters')
  .refine((p) => !p.split(/[\\/]+/).includes('..'), 'it climbs out of its folder (..)');

const absolutePath = pathText.refine((p) => isAbsolute(p), 'it is not an absolute path');

/** A file name the server suggests for the Save dialog: a plain name, no folders. */
export const suggestedNameSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
  .refine((n) => !n.includes('..') && basename(n) === n);

export type PathCheck = { ok: true; path: string } | { ok: false; message: string };

function inside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Where to write a saved export: absolute, no traversal, with the kind's extension (added when the
 * dialog left it off), never inside the app's own folders (the data folder: a save must not replace
 * the database or another export), never a folder, never the source itself.
 */
export function checkSavePath(raw: unknown, kind: SavableKind, options: { protectedFolders: string[]; sourcePath: string }): PathCheck {
  const parsed = absolutePath.safeParse(raw);
  if (!parsed.success) return { ok: false, message: `Meterdesk cannot save there: ${parsed.error.issues[0]!.message}.` };
  let path = resolve(parsed.data);
  if (extname(path).toLowerCase() !== EXTENSION[kind]) path += EXTENSION[kind];
  if (options.protectedFolders.some((folder) => inside(folder, path))) return { ok: false, message: 'Meterdesk cannot save there: that is inside Meterdesk’s own data folder. Choose another folder, such as Documents.' };
  if (resolve(options.sourcePath) === path) return { ok: false, message: 'Meterdesk cannot save there: that is the export itself.' };
  if (statOf(path)?.isDirectory()) return { ok: false, message: `Meterdesk cannot save there: ${basename(path)} is a folder.` };
  return { ok: true, path };
}

/** A folder for scheduled exports: absolute, an existing folder, never inside the app's own folders. */
export function checkFolderPath(raw: unknown, options: { protectedFolders: string[] }): PathCheck {
  const parsed = absolutePath.safeParse(raw);
  if (!parsed.success) return { ok: false, message: `Meterdesk cannot write there: ${parsed.error.issues[0]!.message}.` };
  const path = resolve(parsed.data);
  if (options.protectedFolders.some((folder) => inside(folder, path))) return { ok: false, message: 'Meterdesk cannot write there: that is inside Meterdesk’s own data folder. Choose another folder, such as Documents.' };
  if (!statOf(path)?.isDirectory()) return { ok: false, message: `Meterdesk cannot write there: ${basename(path)} is not a folder.` };
  return { ok: true, path };
}

/**
 * A pack to open: an existing regular file ending .mdpack, within the upload ceiling. A relative path
 * (a launch argument typed in a terminal) is resolved against the launching process's folder.
 */
export function checkPackPath(raw: unknown, cwd?: string): PathCheck {
  const parsed = pathText.safeParse(raw);
  if (!parsed.success) return { ok: false, message: `Meterdesk cannot open this file: ${parsed.error.issues[0]!.message}.` };
  if (!isAbsolute(parsed.data) && !cwd) return { ok: false, message: 'Meterdesk cannot open this file: it is not an absolute path.' };
  const path = cwd ? resolve(cwd, parsed.data) : resolve(parsed.data);
  const name = basename(path);
  if (extname(path).toLowerCase() !== '.mdpack') return { ok: false, message: `Meterdesk cannot open ${name}: only export packs (.mdpack) open in Meterdesk.` };
  const stat = statOf(path);
  if (!stat) return { ok: false, message: `Meterdesk cannot open ${name}: the file does not exist (was it moved or deleted?).` };
  if (!stat.isFile()) return { ok: false, message: `Meterdesk cannot open ${name}: it is not a regular file.` };
  if (stat.size === 0) return { ok: false, message: `Meterdesk cannot open ${name}: the file is empty.` };
  if (stat.size > MAX_PACK_BYTES) return { ok: false, message: `Meterdesk cannot open ${name}: it is larger than an export pack can be (2 GB).` };
  return { ok: true, path };
}

/**
 * The pack named on a command line (Windows and Linux file association; a second launch's argv).
 * argv[0] is the executable; in development (`electron <app folder>`, `withAppFolder`) the first
 * non-flag argument is the app's folder. Flags (`--…`) and meterdesk:// links are someone else's.
 * Any other argument is a file someone asked to open: the first is checked, and refused with a
 * message unless it is a real .mdpack.
 */
export function findPackInArgv(argv: readonly unknown[], options: { withAppFolder: boolean; cwd?: string }): PathCheck | undefined {
  let appFolderSkipped = !options.withAppFolder;
  for (const arg of argv.slice(1)) {
    if (typeof arg !== 'string') return { ok: false, message: 'Meterdesk cannot open this file: it is not a file path.' };
    if (arg.startsWith('-') || /^meterdesk:/i.test(arg) || arg === '') continue;
    if (!appFolderSkipped) {
      appFolderSkipped = true;
      continue;
    }
    return checkPackPath(arg, options.cwd);
  }
  return undefined;
}
