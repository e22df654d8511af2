import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseOpenError, openDatabase } from '../../server/db/open-database';
import { snapshotPath } from '../../server/db/pglite-snapshot';
import { migrationsDir, readMigrationList } from '../../server/db/schema-engine';
import { diffSchemaAgainstMigrations } from '../../prisma/schema-diff';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'meterdesk-mig-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// Each test starts without a pre-migrated snapshot of its own unless it makes one.
beforeEach(async () => {
  process.env.MD_PGLITE_SNAPSHOT_DIR = await tempDir();
});
afterEach(() => {
  delete process.env.MD_PGLITE_SNAPSHOT_DIR;
});

/** An older app's migrations: those before `before`. */
async function olderMigrations(before: string) {
  const older = await tempDir();
  for (const d of (await readMigrationList()).migrationDirectories.filter((m) => m.path < before)) {
    await cp(join(migrationsDir(), d.path), join(older, d.path), { recursive: true });
  }
  await cp(join(migrationsDir(), 'migration_lock.toml'), join(older, 'migration_lock.toml'));
  return older;
}

type Db = Awaited<ReturnType<typeof openDatabase>>;
/** _prisma_migrations without what differs by when and where it was applied. */
const recorded = (db: Db) =>
  db.query(
    `select migration_name, checksum, logs, applied_steps_count, finished_at is not null as finished, rolled_back_at is null as live, finished_at >= started_at as ordered
     from _prisma_migrations order by migration_name`,
  );

const migrationCount = (await readMigrationList()).migrationDirectories.length;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts a separate Node process that opens the database; resolves with its report (or error) once it exits. */
function openInAnotherProcess(url: string): Promise<{ code: number | null; report: { ok: boolean; applied?: number; appliedNow?: string[]; error?: string }; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'tests/server/open-database-worker.ts'), url], {
      cwd: root,
      env: { ...process.env, DATABASE_POOL_SIZE: '2' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      resolve({ code, report: last.startsWith('{') ? JSON.parse(last) : { ok: false, error: out }, stderr: err });
    });
  });
}

async function migrationRows(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>('select migration_name, finished_at, rolled_back_at from _prisma_migrations')).rows;
  } finally {
    await client.end();
  }
}

describe('migrations on the embedded PGlite', () => {
  it('prisma/schema.prisma and the migrations describe the same schema (no change left without its migration)', async () => {
    const sql = await diffSchemaAgainstMigrations(join(root, 'prisma', 'schema.prisma'));
    expect(sql, 'run `npm run db:new-migration -- NAME` to write the missing migration').toBe('');
  });

  it('creates the schema on first start, records it in _prisma_migrations, and applies nothing on the next', async () => {
    const dataDir = await tempDir();
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    expect(first.migrations.appliedNow).toHaveLength(migrationCount);
    const rows = await first.query<{ migration_name: string; finished_at: Date | null }>('select migration_name, finished_at from _prisma_migrations');
    expect(rows.map((r) => r.migration_name).sort()).toEqual((await readMigrationList()).migrationDirectories.map((d) => d.path));
    expect(rows.every((r) => r.finished_at)).toBe(true);
    await first.prisma.organization.create({ data: { slug: 'kept', name: 'Kept across restarts' } });
    await first.close();

    const second = await openDatabase({ dataDir });
    expect(second.migrations).toEqual({ applied: migrationCount, appliedNow: [], schemaEngine: false });
    expect(await second.prisma.organization.count({ where: { slug: 'kept' } })).toBe(1);
    await second.close();
  });

  it('starts a fresh folder from a pre-migrated snapshot with the same _prisma_migrations as a normal apply', async () => {
    const normal = await openDatabase({ dataDir: await tempDir(), snapshot: false });
    const expected = await recorded(normal);
    expect(expected).toHaveLength(migrationCount);
    await normal.close();
    expect(existsSync(snapshotPath(await readMigrationList()))).toBe(false);

    // The first fresh start without a snapshot applies everything, then saves one.
    const first = await openDatabase({ dataDir: await tempDir() });
    expect(first.migrations.appliedNow).toHaveLength(migrationCount);
    await first.prisma.organization.create({ data: { slug: 'first-only', name: 'Written after the snapshot' } });
    await first.close();
    expect(existsSync(snapshotPath(await readMigrationList()))).toBe(true);

    const dataDir = await tempDir();
    const fromSnapshot = await openDatabase({ dataDir });
    expect(fromSnapshot.migrations).toEqual({ applied: migrationCount, appliedNow: [], schemaEngine: false });
    expect(await recorded(fromSnapshot)).toEqual(expected);
    expect(await fromSnapshot.prisma.organization.count()).toBe(0); // nothing of another folder's data
    await fromSnapshot.prisma.organization.create({ data: { slug: 'mine', name: 'Mine' } });
    await fromSnapshot.close();
    const restarted = await openDatabase({ dataDir });
    expect(restarted.migrations.schemaEngine).toBe(false);
    expect(await restarted.prisma.organization.count({ where: { slug: 'mine' } })).toBe(1);
    await restarted.close();
  });

  it('a snapshot older than the migrations gets the newer ones applied on top', async () => {
    const older = await olderMigrations('20261202173502');
    process.env.MIGRATIONS_DIR = older;
    let oldSnapshot: string;
    try {
      await (await openDatabase({ dataDir: await tempDir() })).close();
      oldSnapshot = snapshotPath(await readMigrationList());
      expect(existsSync(oldSnapshot)).toBe(true);
    } finally {
      delete process.env.MIGRATIONS_DIR;
    }
    const normal = await openDatabase({ dataDir: await tempDir(), snapshot: false });
    const expected = await recorded(normal);
    await normal.close();

    const db = await openDatabase({ dataDir: await tempDir(), snapshot: oldSnapshot });
    const newer = (await readMigrationList()).migrationDirectories.map((d) => d.path).filter((p) => p >= '20261202173502');
    expect(newer.length).toBeGreaterThan(0);
    expect(db.migrations).toEqual({ applied: migrationCount, appliedNow: newer, schemaEngine: true });
    expect(await recorded(db)).toEqual(expected);
    await db.close();
  });

  it('a damaged snapshot does not stop a fresh folder from starting', async () => {
    const damaged = join(await tempDir(), 'damaged.tar.gz');
    await writeFile(damaged, 'not a tarball at all');
    const db = await openDatabase({ dataDir: await tempDir(), snapshot: damaged });
    expect(db.migrations.appliedNow).toHaveLength(migrationCount);
    await db.close();
    // The default snapshot, when damaged, is replaced by a good one.
    const path = snapshotPath(await readMigrationList());
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'cut off');
    await (await openDatabase({ dataDir: await tempDir() })).close();
    const next = await openDatabase({ dataDir: await tempDir() });
    expect(next.migrations).toEqual({ applied: migrationCount, appliedNow: [], schemaEngine: false });
    await next.close();
  });

  it('skips the schema engine on restart only while every recorded checksum matches', async () => {
    const dataDir = await tempDir();
    await (await openDatabase({ dataDir })).close();
    const again = await openDatabase({ dataDir });
    expect(again.migrations).toEqual({ applied: migrationCount, appliedNow: [], schemaEngine: false });
    // An edited migration (or a failed one) is for the engine to diagnose, not for the fast path to wave through.
    await again.query(`update _prisma_migrations set checksum = repeat('0', 64) where migration_name = (select min(migration_name) from _prisma_migrations)`);
    await again.close();
    const checked = await openDatabase({ dataDir });
    expect(checked.migrations).toMatchObject({ applied: migrationCount, appliedNow: [], schemaEngine: true });
    await checked.close();
  });

  it('refuses a database upgraded by a newer app instead of crashing', async () => {
    const dataDir = await tempDir();
    const db = await openDatabase({ dataDir });
    await db.query(
      `insert into _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       values ('future', 'x', '29990101000000_from_the_future', now(), now(), 1)`,
    );
    await db.close();
    await expect(openDatabase({ dataDir })).rejects.toThrow(/newer version of Meterdesk.*29990101000000_from_the_future/);
  });

  it('scrubs invitation tokens that older versions left in the outbox, keeping which invitation to resend', async () => {
    // A database as the version before outbox_link_encryption left it.
    const older = await olderMigrations('20261202171337');
    const dataDir = await tempDir();
    process.env.MIGRATIONS_DIR = older;
    const token = 'mdi_old-plain-token-0123456789abcdefghijklmnopq';
    let invitationId = '';
    try {
      const db = await openDatabase({ dataDir });
      const organizationId = (await db.query<{ id: string }>(`insert into organizations (id, slug, name, updated_at) values (gen_random_uuid(), 'old', 'Old', now()) returning id`))[0]!.id;
      invitationId = (await db.query<{ id: string }>(
        `insert into invitations (organization_id, id, email, role, token_hash, expires_at) values ($1, gen_random_uuid(), 'old@old.test', 'member', $2, now() + interval '1 day') returning id`,
        [organizationId, createHash('sha256').update(token).digest('hex')],
      ))[0]!.id;
      await db.query(`insert into outbox_emails (id, organization_id, "to", subject, text, link, transport, status) values (gen_random_uuid(), $1, 'old@old.test', 'Join', $2, $3, 'outbox', 'sent')`, [
        organizationId,
        `Accept the invitation: meterdesk://invite/${token}\n\nThanks`,
        `meterdesk://invite/${token}`,
      ]);
      await db.close();
    } finally {
      delete process.env.MIGRATIONS_DIR;
    }

    const upgraded = await openDatabase({ dataDir });
    expect(upgraded.migrations.appliedNow).toContain('20261202171337_outbox_link_encryption');
    const rows = await upgraded.query<{ row: string; text: string; invitation_id: string }>(`select row_to_json(o)::text as row, text, invitation_id from outbox_emails o`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).not.toContain('old-plain-token');
    expect(rows[0]!.text).toBe('Accept the invitation: [invitation link — not stored: resend the invitation to get a new link]\n\nThanks');
    expect(rows[0]!.invitation_id).toBe(invitationId);
    await upgraded.close();
  });

  it('says so when the data folder is damaged', async () => {
    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'pglite'), { recursive: true });
    await writeFile(join(dataDir, 'pglite', 'PG_VERSION'), 'garbage\n');
    await writeFile(join(dataDir, 'pglite', 'postgresql.conf'), '\u0000\u0001 not a config');
    const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as Error).message).toMatch(/could not be opened|Could not bring the database/);
  });
});

describe.runIf(postgresAvailable)('migrations on PostgreSQL', () => {
  it('applies the same migrations, and the Prisma CLI’s table agrees', async () => {
    const database = await createPostgresDatabase();
    cleanups.push(database.drop);
    const db = await openDatabase({ databaseUrl: database.url });
    expect(db.kind).toBe('postgres');
    expect(db.migrations.appliedNow).toHaveLength(migrationCount);
    // No advisory lock outlives the start (Prisma's own would make the next start wait 10 s).
    expect(await db.query(`select objid from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`)).toEqual([]);
    await db.close();

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query('select migration_name, checksum, applied_steps_count, rolled_back_at from _prisma_migrations');
    await client.end();
    expect(rows).toHaveLength(migrationCount);
    expect(rows[0]).toMatchObject({ rolled_back_at: null, applied_steps_count: 1 });
    expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);

    const again = await openDatabase({ databaseUrl: database.url });
    expect(again.migrations.appliedNow).toEqual([]);
    await again.close();
  });

  it('keeps running when the server ends its idle connections (restart, failover), and reconnects', async () => {
    const database = await createPostgresDatabase();
    cleanups.push(database.drop);
    const db = await openDatabase({ databaseUrl: database.url });
    cleanups.push(() => db.close());
    // Fill the pools with idle connections, then have the server end every one of them.
    await Promise.all([...Array.from({ length: 5 }, () => db.query('select pg_sleep(0.05)')), db.queryVolatile('select 1'), db.prisma.user.count()]);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const { rows } = await admin.query<{ ended: boolean }>('select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    await admin.end();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // Unheard, the pools' error events would have ended this process; the next queries reconnect.
    await expect.poll(async () => (await db.query<{ n: number }>('select 1 as n').catch(() => []))[0]?.n).toBe(1);
    expect(await db.prisma.user.count()).toBe(0);
    expect((await db.queryVolatile<{ n: number }>('select 2 as n'))[0]!.n).toBe(2);
  });

  it('ten processes starting at once on an empty database all come up, and each migration is applied exactly once', async () => {
    const database = await createPostgresDatabase();
    cleanups.push(database.drop);
    const results = await Promise.all(Array.from({ length: 10 }, () => openInAnotherProcess(database.url)));
    for (const r of results) expect(r.report, r.stderr).toMatchObject({ ok: true, applied: migrationCount });
    expect(results.every((r) => r.code === 0)).toBe(true);
    // Exactly one process applied the migrations; the others waited and found nothing left to do.
    expect(results.flatMap((r) => r.report.appliedNow!).sort()).toEqual((await readMigrationList()).migrationDirectories.map((d) => d.path));
    const rows = await migrationRows(database.url);
    expect(rows.map((r) => r.migration_name).sort()).toEqual((await readMigrationList()).migrationDirectories.map((d) => d.path));
    expect(rows.every((r) => r.finished_at && !r.rolled_back_at)).toBe(true);
  }, 90_000);

  it('ten openDatabase calls at once in one process all succeed too', async () => {
    const database = await createPostgresDatabase();
    cleanups.push(database.drop);
    const opened = await Promise.allSettled(Array.from({ length: 10 }, () => openDatabase({ databaseUrl: database.url })));
    for (const o of opened) if (o.status === 'fulfilled') await o.value.close();
    expect(opened.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual(Array(10).fill('ok'));
    const reports = opened.map((o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof openDatabase>>>).value.migrations);
    expect(reports.flatMap((r) => r.appliedNow)).toHaveLength(migrationCount);
    expect(await migrationRows(database.url)).toHaveLength(migrationCount);
  }, 60_000);

  it('explains an unreachable server', async () => {
    await expect(openDatabase({ databaseUrl: 'postgresql://postgres:secret@127.0.0.1:1/none' })).rejects.toThrow(
      /Cannot connect to PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });
});
