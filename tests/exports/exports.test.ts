// Reports and offline exports: CSV totals against the ledger, the PDF's pages and text, signed packs
// (intact, altered, foreign, corrupt), reach (a manager exports only their teams), cancel, bad periods,
// scheduled exports and the browser-mode download/open routes.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { TRPCError } from '@trpc/server';
import { parse } from 'csv-parse/sync';
import { PDFParse } from 'pdf-parse';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../server/http/create-http-server';
import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { openExportPack } from '../../server/exports/export-pack';
import { resolveExportTarget } from '../../server/exports/export-target';
import { figuresFromLedger, figuresFromRollups } from '../../server/exports/usage-report-data';
import { EVENT_COLUMNS, writeUsageEventsCsv } from '../../server/exports/write-usage-csv';
import { generateSigningKey, installationSigningKey, signBytes } from '../../server/exports/installation-signing-key';
import { runScheduledExports } from '../../server/exports/run-scheduled-exports';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';

const PERIOD = '2026-11';

async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.open(path, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) =>
      zip.openReadStream(entry, (err, s) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      }),
    );
    zip.on('end', () => resolve());
    zip.readEntry();
  });
  return out;
}

async function writeZip(path: string, files: Map<string, Buffer>) {
  const zip = new yazl.ZipFile();
  for (const [name, body] of files) zip.addBuffer(body, name);
  zip.end();
  const chunks: Buffer[] = [];
  zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
  await once(zip.outputStream, 'end');
  await writeFile(path, Buffer.concat(chunks));
}

describe.each(databaseTargets)('exports on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let scratch: string;

  async function exportAndWait(carrier: Tenant['people']['owner']['carrier'], input: Parameters<Awaited<ReturnType<TestApp['client']>>['api']['exports']['start']>[0]) {
    const { api } = await t.client(carrier);
    const { runId } = await api.exports.start(input);
    await t.app.services.exports!.running.get(runId)?.done;
    const run = await t.app.services.db.prisma.exportRun.findFirstOrThrow({ where: { id: runId } });
    expect(run.status, run.error ?? '').toBe('succeeded');
    return run;
  }

  async function refused(carrier: Tenant['people']['owner']['carrier'], input: unknown, code: string, message?: RegExp) {
    const before = await databaseFingerprint(t.app);
    const { api } = await t.client(carrier);
    const error = await api.exports.start(input as never).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe(code);
    if (message) expect((error as TRPCError).message).toMatch(message);
    expect(await databaseFingerprint(t.app)).toEqual(before);
  }

  beforeAll(async () => {
    t = await startTestApp(target);
    scratch = await mkdtemp(join(tmpdir(), 'meterdesk-export-test-'));
    a = await seedTenant(t.app, 'alpha');
    b = await seedTenant(t.app, 'bravo');
    const p = t.app.services.db.prisma;
    await p.organization.updateMany({ data: { createdAt: new Date('2026-01-15T00:00:00Z') } });
    t.clock.set(new Date('2026-11-20T12:00:00Z'));
    const events = [];
    const who = [
      { user: a.people.manager.userId, team: a.managedTeamId },
      { user: a.people.member.userId, team: a.managedTeamId },
      { user: a.people.outsideMember.userId, team: a.otherTeamId },
      { user: a.people.owner.userId, team: undefined },
    ];
    for (let i = 0; i < 240; i++) {
      const w = who[i % who.length]!;
      const metric = (['sms_sent', 'emails_sent', 'ai_queries'] as const)[i % 3]!;
      events.push({
        metric,
        quantity: 1 + (i % 7),
        idempotencyKey: `exp-${i}`,
        occurredAt: new Date(Date.UTC(2026, 10, 1 + (i % 19), 8, i % 60)).toISOString(),
        user: w.user,
        team: w.team,
        costMicros: 7500 * (1 + (i % 7)),
        priceMicros: 10000 * (1 + (i % 7)),
        currency: 'usd',
        metadata: { country: ['US', 'DE', 'IN'][i % 3]!, note: i === 5 ? 'comma, "quote"\nnewline' : 'x' },
      });
    }
    const results = await recordUsageEvents(t.app.services.db, a.organizationId, events, t.clock);
    expect(results.filter((r) => r.status !== 'accepted')).toEqual([]);
    // Bravo's events must never show up in alpha's exports.
    await recordUsageEvents(t.app.services.db, b.organizationId, [{ metric: 'sms_sent', quantity: 999, idempotencyKey: 'b-1', occurredAt: '2026-11-10T00:00:00Z', user: b.people.owner.userId }], t.clock);
  });
  afterAll(async () => {
    await t?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('the events CSV and the summary CSV add up to the ledger’s sums for the same scope and period', async () => {
    const run = await exportAndWait(a.people.owner.carrier, { scope: 'organization', period: PERIOD, format: 'csv' });
    const rows = parse(await readFile(run.filePath!), { columns: true }) as Record<string, string>[];
    const db = await t.app.services.db.query<{ metric: string; q: string; c: string; n: string }>(
      `select metric, sum(quantity)::text as q, sum(cost_micros)::text as c, count(*)::text as n from usage_events where organization_id = $1 and occurred_at >= '2026-11-01' and occurred_at < '2026-12-01' group by metric order by metric`,
      [a.organizationId],
    );
    const sum = (list: Record<string, string>[], col: string) => list.reduce((s, r) => s + BigInt(r[col]!), 0n);
    for (const m of db) {
      const mine = rows.filter((r) => r.metric === m.metric);
      expect(String(mine.length)).toBe(m.n);
      expect(sum(mine, 'quantity').toString()).toBe(m.q);
      expect(sum(mine, 'cost_micros').toString()).toBe(m.c);
    }
    expect(rows.length).toBe(240);
    expect(rows.some((r) => r.metadata!.includes('comma, \\"quote\\"\\nnewline'))).toBe(true);
    expect(rows.find((r) => r.user_id === a.people.manager.userId)?.team_name).toBeTruthy();
    expect(rows.find((r) => r.country === 'DE')).toBeTruthy();
    expect(rows[0]!.cost).toMatch(/^\d+\.\d{6}$/);
    expect(run.rows).toBe(240);

    const summary = await exportAndWait(a.people.owner.carrier, { scope: 'organization', period: PERIOD, format: 'summary_csv' });
    const srows = parse(await readFile(summary.filePath!), { columns: true }) as Record<string, string>[];
    for (const m of db) expect(sum(srows.filter((r) => r.metric === m.metric), 'quantity').toString()).toBe(m.q);
    expect(new Set(srows.map((r) => `${r.metric}|${r.team_id}|${r.user_id}`)).size).toBe(srows.length);
  });

  it('the events CSV is byte-identical to csv-stringify’s, in one batch or many (cursor on PostgreSQL, keyset pages on PGlite), through a slow writer', async () => {
    const db = t.app.services.db;
    const owner = { organizationId: a.organizationId, userId: a.people.owner.userId, role: 'owner' as const };
    const target = await resolveExportTarget(db, owner, { scope: 'organization', period: PERIOD }, t.clock.now());
    // A name that needs quoting, to check the free-text columns are quoted like csv-stringify does.
    const before = await db.prisma.user.findUniqueOrThrow({ where: { id: a.people.manager.userId }, select: { name: true } });
    await db.prisma.user.update({ where: { id: a.people.manager.userId }, data: { name: 'Man, "the"\nager' } });
    const write = async (pageSize: number) => {
      const chunks: Buffer[] = [];
      // A small, slow sink: write() says "wait" at once, so every batch waits for 'drain'.
      const out = new Writable({ highWaterMark: 64, write: (chunk: Buffer, _e, cb) => void setImmediate(() => (chunks.push(chunk), cb())) });
      const { rows } = await writeUsageEventsCsv(db, target, out, { pageSize });
      out.end();
      await once(out, 'finish');
      return { rows, text: Buffer.concat(chunks).toString('utf8') };
    };
    try {
      const small = await write(7);
      const whole = await write(10_000);
      expect(small.rows).toBe(240);
      expect(small.text).toBe(whole.text);
      const records = parse(small.text) as string[][];
      expect(stringify(records)).toBe(small.text);
      expect(records[0]).toEqual([...EVENT_COLUMNS]);
      expect(new Set(records.slice(1).map((r) => r[1])).size).toBe(240);
      expect(records.some((r) => r[6] === 'Man, "the"\nager')).toBe(true);
    } finally {
      await db.prisma.user.update({ where: { id: a.people.manager.userId }, data: { name: before.name } });
    }
  });

  it('an organization’s report figures from the daily rollups equal those from the ledger (a person’s events aside)', async () => {
    const db = t.app.services.db;
    const owner = { organizationId: a.organizationId, userId: a.people.owner.userId, role: 'owner' as const };
    const target = await resolveExportTarget(db, owner, { scope: 'organization', period: PERIOD }, t.clock.now());
    const [rolled, ledger] = await Promise.all([figuresFromRollups(db, target), figuresFromLedger(db, target)]);
    const byMetric = <T extends { metric: string }>(list: T[]) => [...list].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(byMetric(rolled.sums)).toEqual(byMetric(ledger.sums));
    expect(byMetric(rolled.daily)).toEqual(byMetric(ledger.daily));
    expect(rolled.daily.length).toBeGreaterThan(10);
    expect(rolled.teams).toEqual(ledger.teams);
    expect(rolled.teams.some((l) => l.label === 'No team')).toBe(true);
    expect(rolled.countries).toEqual(ledger.countries);
    expect(rolled.channels).toEqual(ledger.channels);
    expect(rolled.currency).toBe(ledger.currency);
    // People too, their event counts included (counted from the ledger: the rollups hold quantities).
    expect(rolled.people).toEqual(ledger.people);
    expect(rolled.people.length).toBeGreaterThan(2);
  });

  it('a manager exports their team: only its events, matching the team’s ledger sum', async () => {
    const run = await exportAndWait(a.people.manager.carrier, { scope: 'team', id: a.managedTeamId, period: PERIOD, format: 'csv' });
    const rows = parse(await readFile(run.filePath!), { columns: true }) as Record<string, string>[];
    expect(rows.every((r) => r.team_id === a.managedTeamId)).toBe(true);
    const [db] = await t.app.services.db.query<{ q: string }>(`select sum(quantity)::text as q from usage_events where organization_id = $1 and team_id = $2`, [a.organizationId, a.managedTeamId]);
    expect(rows.reduce((s, r) => s + Number(r.quantity), 0)).toBe(Number(db!.q));
  });

  it('a manager cannot export another team or the organization; a member only themselves; nothing is written', async () => {
    await refused(a.people.manager.carrier, { scope: 'team', id: a.otherTeamId, period: PERIOD, format: 'csv' }, 'FORBIDDEN');
    await refused(a.people.manager.carrier, { scope: 'organization', period: PERIOD, format: 'pack' }, 'FORBIDDEN');
    await refused(a.people.member.carrier, { scope: 'user', id: a.people.teammate.userId, period: PERIOD, format: 'csv' }, 'FORBIDDEN');
    await refused(a.people.member.carrier, { scope: 'team', id: a.managedTeamId, period: PERIOD, format: 'csv' }, 'FORBIDDEN');
    // Another organization's team or person: not found, never exported.
    await refused(b.people.owner.carrier, { scope: 'team', id: a.managedTeamId, period: PERIOD, format: 'csv' }, 'NOT_FOUND');
    await refused(b.people.owner.carrier, { scope: 'user', id: a.people.member.userId, period: PERIOD, format: 'pdf' }, 'NOT_FOUND');
    const own = await exportAndWait(a.people.member.carrier, { scope: 'user', period: PERIOD, format: 'csv' });
    const rows = parse(await readFile(own.filePath!), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.user_id === a.people.member.userId)).toBe(true);
    // The history shows a member their own exports only; owners all of them, with who made them.
    const { api: memberApi } = await t.client(a.people.member.carrier);
    expect((await memberApi.exports.history()).every((r) => r.createdBy.startsWith('member'))).toBe(true);
    const { api: ownerApi } = await t.client(a.people.owner.carrier);
    expect((await ownerApi.exports.history()).map((r) => r.createdBy)).toEqual(expect.arrayContaining(['member of alpha', 'manager of alpha']));
    // And another organization's export id is not found (download lookup, progress, cancel).
    await expect(ownerApi.exports.progress({ runId: own.id })).resolves.toMatchObject({ status: 'succeeded' });
    const { api: bApi } = await t.client(b.people.owner.carrier);
    await expect(bApi.exports.progress({ runId: own.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bApi.exports.cancel({ runId: own.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses bad periods and hostile input with clear messages, writing nothing', async () => {
    await refused(a.people.owner.carrier, { scope: 'organization', period: '2027-01', format: 'csv' }, 'BAD_REQUEST', /not started yet/);
    await refused(a.people.owner.carrier, { scope: 'organization', period: '2025-12', format: 'csv' }, 'BAD_REQUEST', /before the organization existed/);
    await refused(a.people.owner.carrier, { scope: 'organization', period: '2026-13', format: 'csv' }, 'BAD_REQUEST', /period/);
    await refused(a.people.owner.carrier, { scope: 'organization', period: '2026-11\u0000', format: 'csv' }, 'BAD_REQUEST');
    await refused(a.people.owner.carrier, { scope: 'team', id: 'x'.repeat(10_000), period: PERIOD, format: 'csv' }, 'BAD_REQUEST');
    await refused(a.people.owner.carrier, { scope: 'organization', period: PERIOD, format: 'exe' }, 'BAD_REQUEST');
    await refused(a.people.owner.carrier, { scope: { nested: { deep: [1, 2, 3] } }, period: PERIOD, format: 'csv' }, 'BAD_REQUEST');
  });

  it('the PDF opens with the expected pages, and its text holds the totals', async () => {
    const run = await exportAndWait(a.people.owner.carrier, { scope: 'organization', period: PERIOD, format: 'pdf' });
    const pdf = await readFile(run.filePath!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const parsed = await new PDFParse({ data: pdf }).getText();
    // Cover, totals, 3 metric charts on 2 pages, teams, people, country and channel.
    expect(parsed.total).toBe(7);
    const text = parsed.text;
    expect(text).toContain('Usage report');
    expect(text).toContain('Totals against limits');
    expect(text).toContain('Page 7 of 7');
    const [sms] = await t.app.services.db.query<{ q: string; c: string }>(`select sum(quantity)::text as q, sum(cost_micros)::text as c from usage_events where organization_id = $1 and metric = 'sms_sent'`, [a.organizationId]);
    expect(text).toContain(Number(sms!.q).toLocaleString('en-US'));
    expect(text).toContain(`${(Number(sms!.c) / 1e6).toFixed(2)} USD`);
    expect(text).toContain('By team');
    expect(text).toContain('Cost by country');
    expect(text).toContain('DE');
  });

  it('a pack is intact as made; one changed byte makes it altered; re-signed by another key it is foreign; corrupt or cut short it is refused', async () => {
    const run = await exportAndWait(a.people.manager.carrier, { scope: 'team', id: a.managedTeamId, period: PERIOD, format: 'pack' });
    const key = (await installationSigningKey(t.app.services.keychain, {}, { create: false }))!;
    const intact = await openExportPack(run.filePath!, key.publicKey);
    expect(intact.verdict).toBe('intact');
    expect(intact.files.map((f) => f.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(intact.manifest.scope.id).toBe(a.managedTeamId);
    expect(intact.manifest.appVersion).toBe(t.app.services.version);
    expect(intact.report!.totals.reduce((s, x) => s + x.events, 0)).toBe(run.rows);
    // Signed by this installation, so another installation (another key) sees it as foreign.
    expect((await openExportPack(run.filePath!, generateSigningKey().key.publicKey)).verdict).toBe('foreign');

    // One byte changed inside the (stored) PDF.
    const bytes = await readFile(run.filePath!);
    const at = bytes.indexOf(Buffer.from('%PDF-')) + 200;
    const changed = Buffer.from(bytes);
    changed[at] = changed[at]! ^ 0x01;
    const alteredPath = join(scratch, 'altered.mdpack');
    await writeFile(alteredPath, changed);
    const altered = await openExportPack(alteredPath, key.publicKey);
    expect(altered.verdict).toBe('altered');
    expect(altered.files.find((f) => f.name === 'report.pdf')!.status).toBe('altered');
    expect(altered.message).toMatch(/changed/);

    // Content changed and the manifest rewritten to match, but signed with another key: foreign, not intact.
    const files = await readZip(run.filePath!);
    const other = generateSigningKey().key;
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    manifest.publicKey = other.publicKey;
    const mBytes = Buffer.from(JSON.stringify(manifest));
    files.set('manifest.json', mBytes);
    files.set('manifest.sig', Buffer.from(signBytes(other.privateKey, mBytes)));
    const foreignPath = join(scratch, 'foreign.mdpack');
    await writeZip(foreignPath, files);
    const foreign = await openExportPack(foreignPath, key.publicKey);
    expect(foreign.verdict).toBe('foreign');
    expect(foreign.signer.thisInstallation).toBe(false);
    expect(foreign.message).toMatch(/another installation/);
    // The manifest edited but still carrying this installation's key: the signature no longer holds.
    const forged = JSON.parse(files.get('manifest.json')!.toString());
    forged.publicKey = key.publicKey;
    forged.scope.name = 'Someone else';
    files.set('manifest.json', Buffer.from(JSON.stringify(forged)));
    await writeZip(foreignPath, files);
    expect((await openExportPack(foreignPath, key.publicKey)).verdict).toBe('altered');

    // Truncated, and not a zip at all: refused with a clear message.
    const truncatedPath = join(scratch, 'truncated.mdpack');
    await writeFile(truncatedPath, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(openExportPack(truncatedPath, key.publicKey)).rejects.toThrow(/not a readable Meterdesk export pack/);
    const junkPath = join(scratch, 'junk.mdpack');
    await writeFile(junkPath, 'PK\u0003\u0004 not really a zip');
    await expect(openExportPack(junkPath, key.publicKey)).rejects.toThrow(/not a readable Meterdesk export pack/);
    // A zip without a manifest.
    await writeZip(junkPath, new Map([['hello.txt', Buffer.from('hi')]]));
    await expect(openExportPack(junkPath, key.publicKey)).rejects.toThrow(/manifest/);
  });

  it('cancelling an export leaves no partial file and records it as cancelled', async () => {
    const svc = t.app.services.exports!;
    svc.pageSize = 10;
    try {
      const { api } = await t.client(a.people.owner.carrier);
      const cancelled = new Promise<string>((resolve) => {
        const onProgress = (p: { runId: string }) => {
          svc.events.off('progress', onProgress);
          resolve(p.runId);
        };
        svc.events.on('progress', onProgress);
      });
      const { runId } = await api.exports.start({ scope: 'organization', period: PERIOD, format: 'pack' });
      expect(await cancelled).toBe(runId);
      await api.exports.cancel({ runId });
      const run = await t.app.services.db.prisma.exportRun.findFirstOrThrow({ where: { id: runId } });
      expect(run.status).toBe('canceled');
      expect(run.filePath).toBeNull();
      expect(existsSync(join(svc.dir, a.organizationId, runId))).toBe(false);
      await expect(api.exports.cancel({ runId })).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      svc.pageSize = undefined;
    }
  });

  it('scheduled monthly exports run once when due, write the pack to the folder and alert on failure', async () => {
    const { api } = await t.client(a.people.manager.carrier);
    const created = await api.exports.createSchedule({ scope: 'team', id: a.managedTeamId });
    expect(created.nextRunAt.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    // A folder can be chosen on the desktop only.
    await expect(api.exports.createSchedule({ scope: 'team', id: a.managedTeamId, folder: '/etc' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const deps = { db: t.app.services.db, clock: t.clock, exports: t.app.services.exports!, version: t.app.services.version };
    expect(await runScheduledExports(deps)).toEqual({ ran: 0 });
    t.clock.set(new Date('2026-12-01T00:05:00Z'));
    try {
      // Two processes at once: the schedule runs once.
      const [x, y] = await Promise.all([runScheduledExports(deps), runScheduledExports(deps)]);
      expect(x.ran + y.ran).toBe(1);
      const [schedule] = await api.exports.schedules();
      expect(schedule).toMatchObject({ lastStatus: 'succeeded', lastError: null });
      expect(schedule!.nextRunAt.toISOString()).toBe('2027-01-01T00:00:00.000Z');
      const files = await readdir(created.folder);
      expect(files.filter((f) => f.endsWith('.mdpack'))).toEqual([expect.stringContaining('2026-11')]);
      expect(files.some((f) => f.startsWith('.partial'))).toBe(false);
      // The manager loses their team: next month's run fails and tells them.
      await t.app.services.db.prisma.teamMembership.deleteMany({ where: { organizationId: a.organizationId, teamId: a.managedTeamId, userId: a.people.manager.userId } });
      t.clock.set(new Date('2027-01-01T00:05:00Z'));
      expect(await runScheduledExports(deps)).toEqual({ ran: 1 });
      const [after] = await api.exports.schedules();
      expect(after).toMatchObject({ lastStatus: 'failed' });
      const note = await t.app.services.db.prisma.notification.findFirst({ where: { organizationId: a.organizationId, userId: a.people.manager.userId, kind: 'export.failed' } });
      expect(note?.title).toContain('failed');
      await api.exports.deleteSchedule({ scheduleId: schedule!.id });
      expect(await api.exports.schedules()).toEqual([]);
    } finally {
      t.clock.set(new Date('2026-11-20T12:00:00Z'));
    }
  });

  it('browser mode downloads an export with the launch token and session only, and opens a pack with no session', async () => {
    const token = 'export-test-token';
    const { server, port } = await createHttpServer({ app: t.app, port: 0, launchToken: token });
    try {
      const run = await exportAndWait(a.people.owner.carrier, { scope: 'organization', period: PERIOD, format: 'pack' });
      const base = `http://127.0.0.1:${port}`;
      const session = (c: Tenant['people']['owner']['carrier']) => `md_console_${port}=${token}; md_session_${port}=${c.token}`;
      const url = `${base}/api/exports/${run.id}/file`;
      expect((await fetch(url, { headers: { cookie: `md_session_${port}=${a.people.owner.carrier.token}` } })).status).toBe(401);
      expect((await fetch(url, { headers: { cookie: session(b.people.owner.carrier) } })).status).toBe(404);
      expect((await fetch(url, { headers: { cookie: session(a.people.member.carrier) } })).status).toBe(404);
      const ok = await fetch(url, { headers: { cookie: session(a.people.owner.carrier) } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-disposition')).toContain('.mdpack');
      const body = Buffer.from(await ok.arrayBuffer());
      expect(body.equals(await readFile(run.filePath!))).toBe(true);
      expect((await fetch(`${base}/api/exports/${randomUUID()}/file`, { headers: { cookie: session(a.people.owner.carrier) } })).status).toBe(404);

      const open = (data: Buffer, cookie = `md_console_${port}=${token}`) => fetch(`${base}/api/exports/open`, { method: 'POST', headers: { cookie, 'content-type': 'application/octet-stream' }, body: new Uint8Array(data) });
      expect((await open(body, '')).status).toBe(401);
      const opened = await open(body);
      expect(opened.status).toBe(200);
      expect(await opened.json()).toMatchObject({ verdict: 'intact', signature: 'valid' });
      const cut = await open(body.subarray(0, 100));
      expect(cut.status).toBe(400);
      expect(((await cut.json()) as { error: { message: string } }).error.message).toMatch(/not a readable/);
      expect((await open(Buffer.alloc(0))).status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('billing and finance exports: the organization’s invoices for billing readers, the finance month for platform finance only', async () => {
    const p = t.app.services.db.prisma;
    await p.billingInvoice.create({ data: { organizationId: a.organizationId, providerInvoiceId: 'in_exp_1', providerCustomerId: 'cus_1', status: 'paid', currency: 'usd', amountDue: 4900n, amountPaid: 4900n, amountRemaining: 0n, total: 4900n, providerCreated: new Date('2026-11-03T00:00:00Z'), providerStateAt: new Date() } });
    const { api } = await t.client(a.people.owner.carrier);
    const billing = await api.exports.billingHistory();
    expect(billing.csv).toContain('in_exp_1');
    expect(billing.payments).toBe(1);
    const { api: bApi } = await t.client(b.people.owner.carrier);
    expect((await bApi.exports.billingHistory()).csv).not.toContain('in_exp_1');
    await expect((await t.client(a.people.manager.carrier)).api.exports.billingHistory()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(api.exports.financeMonth({ month: PERIOD })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await p.user.update({ where: { id: b.people.guest.userId }, data: { platformRole: 'finance' } });
    const finance = await (await t.client(b.people.guest.carrier)).api.exports.financeMonth({ month: PERIOD });
    const json = JSON.parse(finance.json);
    expect(json.revenueMinor.usd).toBe(4900);
    expect(finance.csv).toContain('in_exp_1');
    await expect((await t.client(b.people.guest.carrier)).api.exports.financeMonth({ month: '2027-02' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
