// Usage alerts: thresholds for every scope fire once per period across processes; the highest of
// several crossed at once speaks; emails (seed 003's warning) go to the people responsible; spikes
// from the daily rollups; blocked sends; the banner.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MeterdeskApp } from '../../server/app';
import { alertChecksIdle } from '../../server/alerts/usage-alert-hooks';
import { checkSpikeAlerts } from '../../server/alerts/check-usage-alerts';
import { sweepUsageAlerts } from '../../server/alerts/sweep-usage-alerts';
import { dispatchAlertFirings } from '../../server/alerts/dispatch-alert-firings';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { reserveUsage } from '../../server/metering/reserve-usage';
import { createPostgresDatabase, databaseTargets, postgresAvailable } from '../helpers/databases';
import { memoryKeychain, startTestApp, TestClock, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const THRESHOLDS = [50, 75, 80, 90, 100];

function runWorker(args: string[]): Promise<{ committed: number; ingested: number; refused: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'tests/alerts/alert-race-worker.ts'), ...args], { cwd: root, env: { ...process.env, DATABASE_POOL_SIZE: '8' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      if (err.trim()) console.error(`worker stderr: ${err}`); // an alert check that failed is logged there
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`worker exited ${code}: ${err}`));
    });
  });
}

async function limits(app: MeterdeskApp, tenant: Tenant, metric: string, limit: number, now: Date) {
  const p = app.services.db.prisma;
  const { organizationId } = tenant;
  await p.userLimit.create({ data: { organizationId, userId: tenant.people.member.userId, metric, limit } });
  await p.teamBudget.create({ data: { organizationId, teamId: tenant.managedTeamId, metric, limit } });
  await p.quotaOverride.create({
    data: { organizationId, metric, limit, startsAt: new Date(now.getTime() - 86_400_000), endsAt: new Date(now.getTime() + 90 * 86_400_000), reason: 'test', createdById: tenant.people.owner.userId },
  });
}

describe.runIf(postgresAvailable)('threshold alerts under concurrency (PostgreSQL, 3 processes)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: MeterdeskApp;
  let tenant: Tenant;
  let dataDir: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-alerts-'));
    app = await createApp({ dataDir, databaseUrl: database.url, keychain: memoryKeychain() });
    tenant = await seedTenant(app, 'racy');
    await app.services.db.prisma.subscription.create({ data: { organizationId: tenant.organizationId, planKey: 'starter' } });
    await limits(app, tenant, 'sms_sent', 40, new Date());
    await limits(app, tenant, 'emails_sent', 100, new Date());
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('fires every threshold of every scope exactly once and announces none twice', async () => {
    const { organizationId, people, managedTeamId } = tenant;
    const results = await Promise.all(['a', 'b', 'c'].map((tag) => runWorker([database.url!, organizationId, people.member.userId, managedTeamId, '20', '8', tag])));
    expect(results.reduce((n, r) => n + r.committed, 0)).toBe(40); // the hard caps held
    expect(results.reduce((n, r) => n + r.ingested, 0)).toBe(240);
    const firings = await app.services.db.query<{ kind: string; scope: string; metric: string; threshold: number; dispatched: boolean }>(
      `select kind, scope::text, metric, threshold, dispatched_at is not null as dispatched from alert_firings where organization_id = $1 order by kind, metric, scope, threshold`,
      [organizationId],
    );
    // Firings are decided in the workers; announcing one can still be left to the sweep (a process
    // dying, or a transaction timing out on a loaded machine): its announcement step finishes them.
    await dispatchAlertFirings(app.services);
    for (const metric of ['sms_sent', 'emails_sent']) {
      for (const scope of ['organization', 'team', 'user']) {
        expect(firings.filter((f) => f.kind === 'threshold' && f.metric === metric && f.scope === scope).map((f) => f.threshold), `${metric} ${scope}`).toEqual(THRESHOLDS);
      }
    }
    expect(firings.filter((f) => !f.dispatched)).toEqual([]);
    // The member's own limit refused the 41st SMS: one limit_blocked alert for the day, however many refusals.
    expect(results.reduce((n, r) => n + r.refused, 0)).toBeGreaterThan(0);
    expect(firings.filter((f) => f.kind === 'limit_blocked')).toEqual([{ kind: 'limit_blocked', scope: 'user', metric: 'sms_sent', threshold: 0, dispatched: true }]);

    // No announcement twice: one email per person and subject, one notification per person and firing.
    const emails = await app.services.db.query<{ to: string; subject: string; n: string }>(`select "to", subject, count(*) as n from outbox_emails where organization_id = $1 group by 1, 2`, [organizationId]);
    expect(emails.filter((e) => Number(e.n) > 1)).toEqual([]);
    // Everybody responsible heard of the 100 % of their scope.
    const subjects = (to: string) => emails.filter((e) => e.to === to).map((e) => e.subject);
    expect(subjects(people.member.email).some((s) => s === 'member of racy\'s usage is at 100% (SMS sent)')).toBe(true);
    expect(subjects(people.manager.email).some((s) => s === "The Sales team's usage is at 100% (SMS sent)")).toBe(true);
    expect(subjects(people.owner.email).some((s) => s === 'Your racy Inc usage is at 100% (SMS sent)')).toBe(true);
    expect(subjects(people.teammate.email)).toEqual([]);
    expect(subjects(people.outsideMember.email)).toEqual([]);
  }, 240_000); // three tsx processes start on a shared 2-core machine
});

describe.each(databaseTargets)('usage alerts on $name', (target) => {
  let t: TestApp;
  let tenant: Tenant;
  const db = () => t.app.services.db;

  beforeAll(async () => {
    t = await startTestApp(target);
    tenant = await seedTenant(t.app, 'alerty');
    await db().prisma.subscription.create({ data: { organizationId: tenant.organizationId, planKey: 'starter' } }); // 1,000 SMS included
  });
  afterAll(() => t?.close());

  const send = async (quantity: number, extra: { user?: string; team?: string } = {}, metric = 'sms_sent') => {
    const key = `k-${Math.random().toString(36).slice(2)}`;
    const [r] = await recordUsageEvents(db(), tenant.organizationId, [{ metric, quantity, idempotencyKey: key, ...extra }], t.clock);
    expect(r!.status).toBe('accepted');
    await alertChecksIdle(db());
  };

  it('announces only the highest of thresholds crossed together, in-app for all, email from 75 %', async () => {
    await send(820); // 82 % of 1,000: 50, 75 and 80 fire at once
    const firings = await db().prisma.alertFiring.findMany({ where: { organizationId: tenant.organizationId, kind: 'threshold', scope: 'organization' }, orderBy: { threshold: 'asc' } });
    expect(firings.map((f) => f.threshold)).toEqual([50, 75, 80]);
    const ownerCaller = await t.app.createCaller(tenant.people.owner.carrier);
    const list = await ownerCaller.notifications.list({});
    expect(list.unread).toBe(1);
    expect(list.items[0]).toMatchObject({ title: 'SMS sent at 80% — organization', link: 'usage?scope=organization&metric=sms_sent' });
    expect(list.items[0]!.body).toContain('used 820 of 1,000 messages');
    // Members are not told about the organization's quota.
    expect((await (await t.app.createCaller(tenant.people.member.carrier)).notifications.list({})).unread).toBe(0);
    const emails = await db().prisma.outboxEmail.findMany({ where: { organizationId: tenant.organizationId }, orderBy: { to: 'asc' } });
    expect(emails.map((e) => e.to)).toEqual([tenant.people.admin.email, tenant.people.owner.email]);
    expect(emails[0]!.subject).toBe('Your alerty Inc usage is at 80% (SMS sent)');
    expect(emails[0]!.text).toMatch(/^Hi admin of alerty,\n\nalerty Inc has used 820 of 1,000 messages \(SMS sent, monthly quota\) — 80%\.\n\nAt your current rate, /);
    expect(emails[0]!.text).toContain('Consider upgrading your plan or buying credits in Billing');

    await send(5); // 82.5 %: nothing new
    expect(await db().prisma.alertFiring.count({ where: { organizationId: tenant.organizationId } })).toBe(3);
    await send(80); // 90.5 %
    expect((await ownerCaller.notifications.list({})).items[0]!.title).toBe('SMS sent at 90% — organization');
    // The banner from 90 %.
    const banner = await (await t.app.createCaller(tenant.people.guest.carrier)).alerts.banner();
    expect(banner.nearLimit).toEqual([{ metric: 'sms_sent', label: 'SMS sent', used: 905, limit: 1000, percent: 90 }]);

    await ownerCaller.notifications.markRead({ all: true });
    expect((await ownerCaller.notifications.unreadCount()).unread).toBe(0);
  });

  it('tells a person and their team managers about the person’s limit, and the team’s managers about its budget', async () => {
    const { organizationId, people, managedTeamId } = tenant;
    await db().prisma.userLimit.create({ data: { organizationId, userId: people.teammate.userId, metric: 'ai_queries', limit: 10 } });
    await db().prisma.teamBudget.create({ data: { organizationId, teamId: managedTeamId, metric: 'ai_queries', limit: 100 } });
    await send(6, { user: people.teammate.userId, team: managedTeamId }, 'ai_queries'); // user 60 %, team 6 %
    const notified = await db().prisma.notification.findMany({ where: { organizationId, kind: 'usage.threshold', title: { contains: 'AI queries' } }, select: { userId: true, title: true, link: true } });
    expect(notified.map((n) => n.userId).sort()).toEqual([people.manager.userId, people.teammate.userId].sort());
    expect(notified[0]!.link).toBe(`usage?scope=user&id=${people.teammate.userId}&metric=ai_queries`);
    await send(45, { user: people.teammate.userId, team: managedTeamId }, 'ai_queries'); // team 51 %
    const team = await db().prisma.notification.findMany({ where: { organizationId, title: 'AI queries at 50% — team Sales' }, select: { userId: true } });
    expect(team.map((n) => n.userId).sort()).toEqual([people.owner.userId, people.admin.userId, people.manager.userId].sort());
  });

  it('records a blocked send once per scope, metric and day, and shows it in the banner', async () => {
    const { organizationId, people } = tenant;
    await db().prisma.userLimit.create({ data: { organizationId, userId: people.member.userId, metric: 'mms_sent', limit: 2 } });
    for (let i = 0; i < 4; i++) await reserveUsage(db(), organizationId, { metric: 'mms_sent', quantity: 2, user: people.member.userId, ttlSeconds: 60 }, t.clock);
    await alertChecksIdle(db());
    expect(await db().prisma.alertFiring.count({ where: { organizationId, kind: 'limit_blocked' } })).toBe(1);
    const banner = await (await t.app.createCaller(people.member.carrier)).alerts.banner();
    expect(banner.blockedToday).toMatchObject([{ metric: 'mms_sent', scope: 'user', limit: 2 }]);
    // Another member does not see someone else's personal block.
    expect((await (await t.app.createCaller(people.outsideMember.carrier)).alerts.banner()).blockedToday).toEqual([]);
    const n = await db().prisma.notification.findFirstOrThrow({ where: { organizationId, userId: people.member.userId, kind: 'usage.limit_blocked' } });
    expect(n.title).toBe(`MMS sent blocked by a limit — ${'member of alerty'}`);
  });

  it('fires a spike when today is the multiplier times the trailing 7-day average (fixture rollups), once a day', async () => {
    const { organizationId } = tenant;
    const today = new Date(t.clock.now().toISOString().slice(0, 10));
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000);
    const rollup = (offset: number, quantity: number) =>
      db().prisma.usageDailyRollup.upsert({
        where: { organizationId_scope_scopeId_metric_day: { organizationId, scope: 'organization', scopeId: organizationId, metric: 'wa_messages', day: day(offset) } },
        create: { organizationId, scope: 'organization', scopeId: organizationId, metric: 'wa_messages', day: day(offset), quantity },
        update: { quantity },
      });
    for (let d = -7; d < 0; d++) await rollup(d, 10); // average 10 a day
    await rollup(-8, 1000); // outside the window: ignored
    await rollup(0, 29);
    expect(await checkSpikeAlerts(db(), organizationId, null, t.clock.now())).toEqual([]);
    await rollup(0, 30); // 3× the average
    expect(await checkSpikeAlerts(db(), organizationId, ['wa_messages'], t.clock.now())).toHaveLength(1);
    await rollup(0, 90);
    expect(await checkSpikeAlerts(db(), organizationId, null, t.clock.now())).toEqual([]); // once per day
    const firing = await db().prisma.alertFiring.findFirstOrThrow({ where: { organizationId, kind: 'spike' } });
    expect({ used: Number(firing.used), limit: Number(firing.limit), periodStart: firing.periodStart }).toEqual({ used: 30, limit: 10, periodStart: today });
    // The sweep announces what the direct check left undispatched.
    await sweepUsageAlerts(t.app.services);
    const n = await db().prisma.notification.findFirstOrThrow({ where: { organizationId, userId: tenant.people.owner.userId, kind: 'usage.spike' } });
    expect(n.title).toBe('Spike in WhatsApp messages');
    // The multiplier is a setting: at 5× the same day would not have been a spike.
    const owner = await t.app.createCaller(tenant.people.owner.carrier);
    await owner.alerts.updateSettings({ spikeMultiplier: 5 });
    await rollup(1, 40); // tomorrow: 40 < 5 × average
    t.clock.advance(86_400_000);
    expect(await checkSpikeAlerts(db(), organizationId, null, t.clock.now())).toEqual([]);
    await expect(owner.alerts.updateSettings({ spikeMultiplier: 1 })).rejects.toThrow(/at least 1.5/);
    t.clock.advance(-86_400_000);
    await owner.alerts.updateSettings({ spikeMultiplier: 3 });
  });

  it('fires a spike from ingestion alone: the rollups move with the ledger and the hook checks them', async () => {
    const { organizationId } = tenant;
    const now = t.clock.now().getTime();
    const past = Array.from({ length: 7 }, (_, i) => ({ metric: 'calls_made', quantity: 4, idempotencyKey: `past-${i}`, occurredAt: new Date(now - (i + 1) * 86_400_000).toISOString() }));
    await recordUsageEvents(db(), organizationId, past, t.clock);
    await alertChecksIdle(db());
    expect(await db().prisma.alertFiring.count({ where: { organizationId, kind: 'spike', metric: 'calls_made' } })).toBe(0);
    await send(11, {}, 'calls_made'); // not yet 3 × 4 = 12
    expect(await db().prisma.alertFiring.count({ where: { organizationId, kind: 'spike', metric: 'calls_made' } })).toBe(0);
    await send(1, {}, 'calls_made'); // 12: the spike
    await send(30, {}, 'calls_made'); // once a day
    expect(await db().prisma.alertFiring.count({ where: { organizationId, kind: 'spike', metric: 'calls_made' } })).toBe(1);
    const n = await db().prisma.notification.findFirstOrThrow({ where: { organizationId, userId: tenant.people.admin.userId, title: 'Spike in Calls made' } });
    expect(n.body).toBe('12 calls today, at least 3× the daily average of the last 7 days (4).');
  });

  it('refuses thresholds outside 1–100 with a clear message and writes nothing', async () => {
    const owner = await t.app.createCaller(tenant.people.owner.carrier);
    await expect(owner.organization.updateSettings({ alertThresholds: [0, 50] })).rejects.toThrow(/percentages from 1 to 100/);
    await expect(owner.organization.updateSettings({ alertThresholds: [50, 101] })).rejects.toThrow(/percentages from 1 to 100/);
    expect((await owner.alerts.settings()).thresholds).toEqual([50, 75, 80, 90, 100]);
  });

  it('the sweep catches usage whose hook never ran (a crashed process), without firing twice', async () => {
    const { organizationId } = tenant;
    // Written straight to the counters, as if a process died before its check.
    await db().query(`update usage_counters set used = 1000, updated_at = $2 where organization_id = $1 and scope = 'organization' and metric = 'sms_sent'`, [organizationId, t.clock.now()]);
    const first = await sweepUsageAlerts(t.app.services);
    expect(first.fired).toBe(1); // 100 %
    expect((await sweepUsageAlerts(t.app.services)).fired).toBe(0);
  });
});
// Keep TestClock imported for readers who look for the clock the tests move.
void TestClock;
