// The tamper-evident audit log: every event chained per organization (and the platform chain),
// append-only in the database, and verify finds an edited, deleted or inserted event.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../../server/audit/record-audit-event';
import { verifyAllAuditChains, verifyAuditChain } from '../../server/audit/verify-audit-chain';
import { auditEventHash, CHAIN_ROW_SQL, type ChainRow } from '../../server/audit/audit-chain';
import { openDatabase, type Database } from '../../server/db/open-database';
import { migrationsDir } from '../../server/db/schema-engine';
import { createPostgresDatabase, databaseTargets, postgresAvailable } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

const run = promisify(execFile);

async function newOrg(db: Database, slug: string) {
  return (await db.prisma.organization.create({ data: { slug, name: slug } })).id;
}

async function record(db: Database, organizationId: string | null, n: number, tag = 'test') {
  for (let i = 0; i < n; i++) {
    await db.prisma.$transaction((tx) =>
      recordAuditEvent(tx, { organizationId, action: `test.${tag}`, targetType: 'thing', targetId: `t-${i}`, before: { i, nested: { b: 2, a: [1, 'ü'] } }, after: { i: i + 1, note: 'line\nbreak "quoted"' }, reason: i % 2 ? null : `reason ${i}` }),
    );
  }
}

/** What an attacker with database access does: bypasses the triggers for one transaction. */
async function tamper(db: Database, ...statements: [string, unknown[]][]) {
  await db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`set local session_replication_role = replica`);
    for (const [sql, params] of statements) await tx.$executeRawUnsafe(sql, ...params);
  });
}

describe.each(databaseTargets)('audit chain on $name', (target) => {
  let t: TestApp;
  let db: Database;

  beforeAll(async () => {
    t = await startTestApp(target);
    db = t.app.services.db;
  });
  afterAll(() => t?.close());

  it('chains each organization and the platform apart, and the hash is recomputed identically outside the database', async () => {
    const org = await newOrg(db, 'chain-ok');
    const other = await newOrg(db, 'chain-other');
    await record(db, org, 5);
    await record(db, other, 3);
    await record(db, null, 2);
    const rows = await db.query<ChainRow & { db_hash: string }>(
      `select ${CHAIN_ROW_SQL}, audit_event_hash(prev_hash, seq, id, organization_id, actor_user_id, impersonator_user_id, impersonation_id, action, target_type, target_id, before, after, reason, created_at) as db_hash
       from audit_events where organization_id = $1::uuid order by audit_events.seq`,
      [org],
    );
    expect(rows.map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5']);
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    for (const [i, row] of rows.entries()) {
      expect(row.hash).toBe(row.db_hash);
      expect(auditEventHash(row.prev_hash, row)).toBe(row.hash);
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1]!.hash);
    }
    expect(await verifyAuditChain(db, org)).toMatchObject({ ok: true, events: 5, lastSeq: '5' });
    expect(await verifyAuditChain(db, other)).toMatchObject({ ok: true, events: 3 });
    const platform = await verifyAuditChain(db, null);
    expect(platform.ok).toBe(true);
    expect((await verifyAllAuditChains(db)).every((r) => r.ok)).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events and chain heads', async () => {
    const org = await newOrg(db, 'chain-locked');
    await record(db, org, 2);
    await expect(db.query(`update audit_events set reason = 'rewritten' where organization_id = $1::uuid`, [org])).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from audit_events where organization_id = $1::uuid`, [org])).rejects.toThrow(/append-only/);
    await expect(db.query(`truncate audit_events`)).rejects.toThrow(/append-only/);
    await expect(db.query(`update audit_chain_heads set last_seq = 1 where organization_id = $1::uuid`, [org])).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from audit_chain_heads where organization_id = $1::uuid`, [org])).rejects.toThrow(/append-only/);
    // A client cannot choose an event's place in the chain: the database sets it.
    await db.query(`insert into audit_events (id, organization_id, action, target_type, seq, prev_hash, hash) values (gen_random_uuid(), $1::uuid, 'forged', 'x', 1, 'x', 'y')`, [org]);
    expect(await verifyAuditChain(db, org)).toMatchObject({ ok: true, events: 3 });
  });

  it('finds an edited event', async () => {
    const org = await newOrg(db, 'chain-edited');
    await record(db, org, 6);
    await tamper(db, [`update audit_events set reason = 'nothing to see' where organization_id = $1::uuid and seq = 4`, [org]]);
    expect((await verifyAuditChain(db, org)).firstBreak).toMatchObject({ problem: 'edited', seq: '4' });
  });

  it('finds an edited event whose hash was recomputed (the next link breaks)', async () => {
    const org = await newOrg(db, 'chain-rehashed');
    await record(db, org, 6);
    await tamper(db, [
      `update audit_events set reason = 'nothing to see', hash = audit_event_hash(prev_hash, seq, id, organization_id, actor_user_id, impersonator_user_id, impersonation_id, action, target_type, target_id, before, after, 'nothing to see', created_at) where organization_id = $1::uuid and seq = 3`,
      [org],
    ]);
    expect((await verifyAuditChain(db, org)).firstBreak).toMatchObject({ problem: 'broken_link', seq: '4' });
  });

  it('finds a deleted event in the middle and at the end', async () => {
    const org = await newOrg(db, 'chain-deleted');
    await record(db, org, 6);
    await tamper(db, [`delete from audit_events where organization_id = $1::uuid and seq = 2`, [org]]);
    expect((await verifyAuditChain(db, org)).firstBreak).toMatchObject({ problem: 'missing', seq: '2' });
    const tail = await newOrg(db, 'chain-tail');
    await record(db, tail, 4);
    await tamper(db, [`delete from audit_events where organization_id = $1::uuid and seq = 4`, [tail]]);
    expect((await verifyAuditChain(db, tail)).firstBreak).toMatchObject({ problem: 'head_mismatch', seq: '4' });
  });

  it('finds an event inserted in the middle, however it is numbered', async () => {
    const org = await newOrg(db, 'chain-inserted');
    await record(db, org, 6);
    // Renumber the events after #3 and slip a well-formed event in as #4, linked to #3.
    const [third] = await db.query<{ hash: string }>(`select hash from audit_events where organization_id = $1::uuid and seq = 3`, [org]);
    await tamper(
      db,
      [`update audit_events set seq = -seq where organization_id = $1::uuid and seq >= 4`, [org]],
      [`update audit_events set seq = -seq + 1 where organization_id = $1::uuid and seq < 0`, [org]],
      [
        `insert into audit_events (id, organization_id, action, target_type, created_at, seq, prev_hash, hash)
         select id, org, 'member.role_change', 'member', ts, 4, $2, audit_event_hash($2, 4, id, org, null, null, null, 'member.role_change', 'member', null, null, null, null, ts)
         from (select gen_random_uuid() as id, $1::uuid as org, now()::timestamptz(3) as ts) f`,
        [org, third!.hash],
      ],
    );
    expect((await verifyAuditChain(db, org)).firstBreak).toMatchObject({ problem: 'edited', seq: '5' });
    // On the platform chain (no unique number), a duplicate number is found as an insertion.
    await record(db, null, 2, 'platform');
    const seq = (await db.query<{ seq: string }>(`select last_seq::text as seq from platform_audit_chain_heads where chain_key = 'platform'`))[0]!.seq;
    const [prev] = await db.query<{ prev_hash: string }>(`select prev_hash from platform_audit_events where seq = $1::bigint`, [seq]);
    await tamper(db, [
      `insert into platform_audit_events (id, action, target_type, created_at, seq, prev_hash, hash)
       select id, 'forged', 'x', ts, $1::bigint, $2, audit_event_hash($2, $1::bigint, id, null, null, null, null, 'forged', 'x', null, null, null, null, ts)
       from (select '00000000-0000-7000-8000-000000000000'::uuid as id, now()::timestamptz(3) as ts) f`,
      [seq, prev!.prev_hash],
    ]);
    const platform = await verifyAuditChain(db, null);
    expect(platform.ok).toBe(false);
    expect(['inserted', 'broken_link']).toContain(platform.firstBreak!.problem);
  });
});

describe('audit chain migration', () => {
  it('chains the events recorded before it, per organization and for the platform', async () => {
    const dirs = (await readdir(migrationsDir(), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const mine = dirs.findIndex((d) => d.endsWith('_audit_chain_and_impersonation'));
    const pg = await PGlite.create();
    try {
      for (const dir of dirs.slice(0, mine)) await pg.exec(await readFile(join(migrationsDir(), dir, 'migration.sql'), 'utf8'));
      const org = (await pg.query<{ id: string }>(`insert into organizations (id, slug, name, updated_at) values (gen_random_uuid(), 'old', 'Old', now()) returning id`)).rows[0]!.id;
      for (let i = 0; i < 4; i++) {
        await pg.query(`insert into audit_events (id, organization_id, action, target_type, before, created_at) values (gen_random_uuid(), $1, 'old.event', 'x', $2, now() + $3 * interval '1 second')`, [org, { i }, i]);
        await pg.query(`insert into audit_events (id, organization_id, action, target_type, created_at) values (gen_random_uuid(), null, 'platform.event', 'x', now() + $1 * interval '1 second')`, [i]);
      }
      for (const dir of dirs.slice(mine)) await pg.exec(await readFile(join(migrationsDir(), dir, 'migration.sql'), 'utf8'));
      const db = { query: async (sql: string, params?: unknown[]) => (await pg.query(sql, params)).rows } as unknown as Database;
      expect(await verifyAuditChain(db, org)).toMatchObject({ ok: true, events: 4 });
      expect(await verifyAuditChain(db, null)).toMatchObject({ ok: true, events: 4 });
      // New events continue the migrated chain.
      await pg.query(`insert into audit_events (id, organization_id, action, target_type) values (gen_random_uuid(), $1, 'new.event', 'x')`, [org]);
      expect(await verifyAuditChain(db, org)).toMatchObject({ ok: true, events: 5, lastSeq: '5' });
    } finally {
      await pg.close();
    }
  });
});

describe.skipIf(!postgresAvailable)('concurrent audit writes on PostgreSQL', () => {
  let url: string;
  let drop: () => Promise<void>;
  let one: Database;
  let two: Database;

  beforeAll(async () => {
    ({ url, drop } = (await createPostgresDatabase()) as { url: string; drop: () => Promise<void> });
    one = await openDatabase({ databaseUrl: url });
    two = await openDatabase({ databaseUrl: url });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await drop?.();
  });

  it('keeps one chain when two app instances append at once', async () => {
    const org = await newOrg(one, 'busy');
    const perInstance = 60;
    // Pools of 10 connections each, 240 transactions queued at once: they wait their turn.
    const TX = { maxWait: 60_000, timeout: 60_000 };
    const write = (db: Database, i: number) =>
      db.prisma.$transaction(async (tx) => {
        await recordAuditEvent(tx, { organizationId: org, action: 'test.concurrent', targetType: 'thing', targetId: `${i}` });
        await recordAuditEvent(tx, { organizationId: org, action: 'test.concurrent', targetType: 'thing', targetId: `${i}b` });
      }, TX);
    const platform = (db: Database, i: number) => db.prisma.$transaction((tx) => recordAuditEvent(tx, { action: 'test.platform', targetType: 'thing', targetId: `${i}` }), TX);
    const started = performance.now();
    await Promise.all(Array.from({ length: perInstance }, (_, i) => [write(one, i), write(two, perInstance + i), platform(one, i), platform(two, perInstance + i)]).flat());
    const seconds = (performance.now() - started) / 1000;
    const events = perInstance * 2 * 2 + perInstance * 2;
    console.log(`audit chain: ${events} events from ${perInstance * 4} concurrent transactions over two pools in ${seconds.toFixed(2)} s (${Math.round(events / seconds)} events/s)`);
    const report = await verifyAuditChain(one, org);
    expect(report.firstBreak).toBeNull();
    expect(report).toMatchObject({ ok: true, events: perInstance * 4, lastSeq: String(perInstance * 4) });
    expect(await verifyAuditChain(two, null)).toMatchObject({ ok: true, events: perInstance * 2 });
    const seqs = await one.query<{ n: string; d: string }>(`select count(*)::text as n, count(distinct seq)::text as d from audit_events where organization_id = $1::uuid`, [org]);
    expect(seqs[0]).toEqual({ n: String(perInstance * 4), d: String(perInstance * 4) });
  });

  it('npm run cli -- audit verify reports the first broken link', async () => {
    const org = await newOrg(one, 'cli-check');
    await record(one, org, 5);
    const cli = (args: string[]) =>
      run('npx', ['tsx', 'server/cli.ts', 'audit', 'verify', ...args], { env: { ...process.env, DATABASE_URL: url } }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const good = await cli(['--org', 'cli-check']);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/cli-check: 5 events, chain intact/);
    await tamper(one, [`update audit_events set after = '{"forged":true}' where organization_id = $1::uuid and seq = 3`, [org]]);
    const bad = await cli([]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/cli-check: BROKEN at #3 \(edited\)/);
  });
});
