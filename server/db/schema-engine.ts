// Loads Prisma's schema engine compiled to WebAssembly. A packaged desktop app has no Prisma CLI and
// the native engine cannot be downloaded everywhere, so migrations run through this engine instead,
// over the same driver adapters the app queries with.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

type Bg = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
export type SchemaEngine = import('@prisma/schema-engine-wasm').SchemaEngine;
export type MigrationList = import('@prisma/schema-engine-wasm').MigrationList;

let bgPromise: Promise<Bg> | undefined;

function loadWasm(): Promise<Bg> {
  bgPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import(/* @vite-ignore */ pathToImport(bgPath))) as Bg & { __wbg_set_wasm(w: unknown): void };
    const bytes = await readFile(bgPath.replace(/\.js$/, '.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return bgPromise;
}

function pathToImport(p: string): string {
  return new URL(`file://${p.startsWith('/') ? '' : '/'}${p.replace(/\\/g, '/')}`).href;
}

export async function openSchemaEngine(factory: SqlMigrationAwareDriverAdapterFactory): Promise<SchemaEngine> {
  const bg = await loadWasm();
  return bg.SchemaEngine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
}

/** prisma/migrations, found relative to this module both in source (server/db) and in the build (out/main). */
export function migrationsDir(): string {
  if (process.env.MIGRATIONS_DIR) return resolve(process.env.MIGRATIONS_DIR);
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'prisma', 'migrations');
}

export async function readMigrationList(dir = migrationsDir()): Promise<MigrationList> {
  const lockfileContent = await readFile(join(dir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
      .map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(join(dir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
  );
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: lockfileContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

export const noSchemaFilter = { externalTables: [], externalEnums: [] };
