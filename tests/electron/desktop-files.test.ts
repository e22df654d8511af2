// The desktop's file paths as units (no Electron binary): where a Save dialog may write, which
// .mdpack a dialog, a launch argument or macOS's open-file may open, and the Save/Open flows driven
// with plain objects standing in for Electron's dialog and window. Real files in a temp folder.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { createDesktopFiles, createLaunchPacks, type DialogLike } from '../../electron/desktop-file-dialogs';
import { checkPackPath, checkSavePath, findPackInArgv } from '../../electron/file-paths';

let root: string;
let dataDir: string;
let pack: string;
let source: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'meterdesk-files-'));
  dataDir = join(root, 'data');
  await mkdir(join(dataDir, 'exports'), { recursive: true });
  source = join(dataDir, 'exports', 'usage.csv');
  await writeFile(source, 'metric,quantity\nsms_sent,3\n');
  pack = join(root, 'team-2026-11.mdpack');
  await writeFile(pack, 'PK\u0003\u0004pack bytes');
  await writeFile(join(root, 'empty.mdpack'), '');
  await writeFile(join(root, 'notes.txt'), 'hello');
  await mkdir(join(root, 'folder.mdpack'));
  await symlink(pack, join(root, 'link.mdpack'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('.mdpack launch arguments', () => {
  it('finds the pack after the executable (packaged) and after the app folder (development)', () => {
    expect(findPackInArgv(['/opt/Meterdesk/meterdesk', pack], { withAppFolder: false })).toEqual({ ok: true, path: pack });
    expect(findPackInArgv(['/usr/bin/electron', '--no-sandbox', '/src/meterdesk', pack], { withAppFolder: true })).toEqual({ ok: true, path: pack });
    // Flags and deep links are someone else's; with nothing else there is no pack at all.
    expect(findPackInArgv(['/opt/Meterdesk/meterdesk', '--allow-file-access-from-files', 'meterdesk://open/usage'], { withAppFolder: false })).toBeUndefined();
    expect(findPackInArgv(['/usr/bin/electron', '--no-sandbox', '/src/meterdesk'], { withAppFolder: true })).toBeUndefined();
  });

  it('resolves a relative argument against the launching folder (second instance)', () => {
    expect(findPackInArgv(['meterdesk', 'team-2026-11.mdpack'], { withAppFolder: false, cwd: root })).toEqual({ ok: true, path: pack });
    expect(checkPackPath('team-2026-11.mdpack')).toMatchObject({ ok: false, message: /not an absolute path/ });
  });

  it('refuses everything but an existing regular .mdpack file, with a message', () => {
    const refused = (arg: unknown, cwd?: string) => {
      const result = findPackInArgv(['meterdesk', arg], { withAppFolder: false, cwd });
      expect(result?.ok).toBe(false);
      return (result as { message: string }).message;
    };
    expect(refused(join(root, 'notes.txt'))).toMatch(/only export packs \(\.mdpack\)/);
    expect(refused('/etc/passwd')).toMatch(/only export packs/);
    expect(refused(join(root, 'missing.mdpack'))).toMatch(/does not exist/);
    expect(refused(join(root, 'folder.mdpack'))).toMatch(/not a regular file/);
    expect(refused(join(root, 'empty.mdpack'))).toMatch(/empty/);
    expect(refused(`${root}/../${root.split('/').pop()}/team-2026-11.mdpack`)).toMatch(/climbs out of its folder/);
    expect(refused('../../etc/shadow.mdpack', root)).toMatch(/climbs out/);
    expect(refused(`${pack}\u0000.txt`)).toMatch(/control characters/);
    expect(refused(`${root}/a\nb.mdpack`)).toMatch(/control characters/);
    expect(refused(`/${'a'.repeat(5000)}.mdpack`)).toMatch(/too long/);
    expect(refused(42)).toMatch(/not a file path/);
    expect(refused({ path: pack })).toMatch(/not a file path/);
    // A message names the file, never the folders it sits in.
    expect(refused(join(root, 'notes.txt'))).not.toContain(root);
  });

  it('follows a symlink to a real pack, and the macOS open-file path goes through the same check', () => {
    expect(checkPackPath(join(root, 'link.mdpack'))).toEqual({ ok: true, path: join(root, 'link.mdpack') });
    expect(checkPackPath(pack.toUpperCase().replace(root.toUpperCase(), root))).toMatchObject({ ok: false });
  });

  it('a launch pack is handed out once, and checked again when taken', async () => {
    const packs = createLaunchPacks();
    expect(packs.take()).toBeUndefined();
    packs.offer(pack);
    expect(packs.take()).toEqual({ path: pack });
    expect(packs.take()).toBeUndefined();
    const gone = join(root, 'gone.mdpack');
    await writeFile(gone, 'x');
    packs.offer(gone);
    await rm(gone);
    expect(packs.take()).toMatchObject({ refused: /does not exist/ });
  });
});

describe('where a save may write', () => {
  const opts = () => ({ protectedFolders: [dataDir], sourcePath: source });
  it('accepts an absolute path outside the data folder and adds a missing extension', () => {
    expect(checkSavePath(join(root, 'out', 'report.csv'), 'csv', opts())).toEqual({ ok: true, path: join(root, 'out', 'report.csv') });
    expect(checkSavePath(join(root, 'report'), 'pdf', opts())).toEqual({ ok: true, path: join(root, 'report.pdf') });
    expect(checkSavePath(join(root, 'Report.MDPACK'), 'mdpack', opts())).toEqual({ ok: true, path: join(root, 'Report.MDPACK') });
  });
  it('refuses hostile paths: relative, traversal, control characters, the data folder, a folder, the source, wrong types', () => {
    const message = (raw: unknown) => {
      const r = checkSavePath(raw, 'csv', opts());
      expect(r.ok).toBe(false);
      return (r as { message: string }).message;
    };
    expect(message('report.csv')).toMatch(/not an absolute path/);
    expect(message(`${root}/out/../../etc/cron.d/x.csv`)).toMatch(/climbs out/);
    expect(message(`${root}/a\u0000b.csv`)).toMatch(/control characters/);
    expect(message(join(dataDir, 'pglite', 'PG_VERSION.csv'))).toMatch(/data folder/);
    expect(message(join(dataDir, 'exports'))).toMatch(/data folder/);
    expect(message(source)).toMatch(/data folder/);
    expect(checkSavePath(join(root, 'folder.mdpack'), 'mdpack', opts())).toMatchObject({ ok: false, message: /is a folder/ });
    expect(message(undefined)).toMatch(/not a file path/);
    expect(message(['/tmp/x.csv'])).toMatch(/not a file path/);
    expect(message('')).toMatch(/empty/);
  });
});

/** Electron's dialog, as a plain object answering what a person would choose; it records what it was asked. */
function scriptedDialog(answers: { save?: string | null; open?: string[] | null }) {
  const asked: { save: SaveDialogOptions[]; open: OpenDialogOptions[]; windows: unknown[] } = { save: [], open: [], windows: [] };
  const dialog: DialogLike<{ id: number }> = {
    showSaveDialog: async (window, options) => {
      asked.windows.push(window);
      asked.save.push(options);
      return answers.save ? { canceled: false, filePath: answers.save } : { canceled: true };
    },
    showOpenDialog: async (window, options) => {
      asked.windows.push(window);
      asked.open.push(options);
      return answers.open ? { canceled: false, filePaths: answers.open } : { canceled: true, filePaths: [] };
    },
  };
  return { dialog, asked };
}

describe('Save and Open through the system dialogs (plain objects for dialog and window)', () => {
  const window = { id: 7 };
  const files = (answers: Parameters<typeof scriptedDialog>[0]) => {
    const d = scriptedDialog(answers);
    return { ...d, files: createDesktopFiles({ dialog: d.dialog, window, defaultFolder: join(root, 'Documents'), protectedFolders: [dataDir], launchPacks: createLaunchPacks() }) };
  };

  it('copies the finished file where the person chose, parented to the asking window, with the right filter', async () => {
    const target = join(root, 'saved-report');
    const { files: f, asked } = files({ save: target });
    expect(await f.saveCopy({ sourcePath: source, suggestedName: 'meterdesk-usage-sales-2026-11.csv', kind: 'csv' })).toEqual({ saved: true, path: `${target}.csv` });
    expect(await readFile(`${target}.csv`, 'utf8')).toBe(await readFile(source, 'utf8'));
    expect(existsSync(`${target}.csv.meterdesk-partial`)).toBe(false);
    expect(asked.windows).toEqual([window]);
    expect(asked.save[0]).toMatchObject({ defaultPath: join(root, 'Documents', 'meterdesk-usage-sales-2026-11.csv'), filters: [{ extensions: ['csv'] }] });
  });

  it('a hostile suggested name never reaches the dialog; a cancelled dialog saves nothing', async () => {
    const { files: f, asked } = files({ save: null });
    expect(await f.saveCopy({ sourcePath: source, suggestedName: '../../.bashrc', kind: 'pdf' })).toEqual({ saved: false });
    expect(asked.save[0]!.defaultPath).toBe(join(root, 'Documents', 'meterdesk-export.pdf'));
  });

  it('a dialog answer inside the data folder is refused and nothing is written there', async () => {
    const { files: f } = files({ save: join(dataDir, 'pglite.csv') });
    expect(await f.saveCopy({ sourcePath: source, suggestedName: 'x.csv', kind: 'csv' })).toMatchObject({ saved: false, reason: /data folder/ });
    expect(existsSync(join(dataDir, 'pglite.csv'))).toBe(false);
  });

  it('a failed copy leaves no partial file and says what to do', async () => {
    const { files: f } = files({ save: join(root, 'no-such-folder', 'x.csv') });
    expect(await f.saveCopy({ sourcePath: source, suggestedName: 'x.csv', kind: 'csv' })).toMatchObject({ saved: false, reason: /choose another folder/ });
    expect(existsSync(join(root, 'no-such-folder'))).toBe(false);
  });

  it('Open: a chosen pack is validated; cancel, a non-pack and nothing waiting are answered plainly', async () => {
    expect(await files({ open: [pack] }).files.choosePack()).toEqual({ path: pack });
    expect(await files({ open: null }).files.choosePack()).toEqual({ canceled: true });
    expect(await files({ open: [join(root, 'notes.txt')] }).files.choosePack()).toMatchObject({ refused: /only export packs/ });
    const { files: f, asked } = files({});
    expect(f.takeLaunchPack()).toMatchObject({ refused: /No export pack is waiting/ });
    expect(asked.open).toEqual([]);
  });
});
