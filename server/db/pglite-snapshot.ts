// A fresh embedded database costs seconds of PGlite initdb plus applying every migration through the
// wasm schema engine. A snapshot of a freshly migrated data directory (PGlite's dumpDataDir tarball)
// loads in well under a second instead. It is keyed by the PGlite version and the migrations'
// checksums, made by `npm run build` or else after the first fresh start, and only ever a head
// start: the normal migration check still runs on top of it.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type { MigrationList } from './schema-engine';

// The data directory's format belongs to the PGlite build; its package.json is not exported, so find it from the entry.
const pgliteVersion: string = (() => {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const pkg = join(entry.slice(0, entry.lastIndexOf('@electric-sql/pglite') + '@electric-sql/pglite'.length), 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** MD_PGLITE_SNAPSHOT_DIR, else out/pglite-snapshots (from server/db in source and out/main when built). */
export function snapshotDir(): string {
  if (process.env.MD_PGLITE_SNAPSHOT_DIR) return resolve(process.env.MD_PGLITE_SNAPSHOT_DIR);
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'pglite-snapshots');
}

/** Prisma's checksum of a migration: sha256 of its migration.sql. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script).digest('hex');
}

export function snapshotPath(list: MigrationList): string {
  const hash = createHash('sha256');
  for (const d of list.migrationDirectories) hash.update(`${d.path}\0${d.migrationFile.content.value}\0`);
  return join(snapshotDir(), `pglite-${pgliteVersion}-${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

export async function readSnapshot(path: string): Promise<Blob | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  return bytes && new Blob([bytes]);
}

/** Writes the just-migrated database as the snapshot; written aside and renamed, so a reader never sees half a file. */
export async function writeSnapshot(client: PGlite, path: string): Promise<void> {
  const dump = await client.dumpDataDir('gzip');
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}-${randomUUID()}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, path);
}
