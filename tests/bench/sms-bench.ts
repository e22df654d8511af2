// SMS campaign benchmark against PostgreSQL (DATABASE_URL, default the local server) and the SNS
// stand-in, in one run:
//  1. plan: a 100,000-recipient campaign launched through the engine — audience by tag, consent and
//     opt-out filtering, parts, cost by country from the rate card, ONE reservation, and the
//     100,000 message rows written — timed end to end (plus a promotional preview, whose quiet-hours
//     work the transactional launch skips);
//  2. send: the sending job (claim with SKIP LOCKED, mark sending, Publish through the real
//     SnsProvider, record outcomes and meter each message) with no rate limit, in BENCH_SMS_PROCESSES
//     processes (default 2: the claim is built for several), beside a raw baseline: the same number
//     of Publish calls straight from a loop through the same SDK client configuration, in as many
//     processes with the same concurrency each, half of it before the engine and half after (load
//     from elsewhere that changes during the run weighs on both alike). The stand-in runs in a
//     process of its own, so it shares no event loop with either; rates are taken at the stand-in
//     (first to last message). CPU per message is reported for the sending processes, the stand-in
//     and (engine) PostgreSQL's backends, to tell what a 2-core machine can carry;
//  3. duplicates: numbers published more than once for the campaign, counted in the stand-in's log.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { launchCampaign } from '../../server/campaigns/launch-campaign';
import { previewCampaign } from '../../server/campaigns/preview-campaign';
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { startSnsStandInProcess } from '../stand-ins/sns/process';
import type { PublishedSummary } from '../stand-ins/sns/standalone';

const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const RECIPIENTS = Number(process.env.BENCH_SMS_RECIPIENTS ?? 100_000);
const LANES = Number(process.env.BENCH_SMS_LANES ?? 5);
const BATCH = Number(process.env.BENCH_SMS_BATCH ?? 10);
const CONCURRENCY = LANES * BATCH;
/** Sending processes (the engine's claim is built for several; the baseline runs as many loops). */
const PROCESSES = Number(process.env.BENCH_SMS_PROCESSES ?? 2);

/** BENCH_SMS_CPU_PROF=DIR: each send-phase process writes a V8 CPU profile into DIR. */
const PROFILE = process.env.BENCH_SMS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SMS_CPU_PROF}`] : [];

/** Runs one send-phase process (sms-bench-worker.ts) and returns its JSON line. */
function worker(args: string[]): Promise<{ done: number; seconds: number; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...PROFILE, fileURLToPath(new URL('./sms-bench-worker.ts', import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`bench worker ${args[0]} exited ${code}`))));
  });
}

class PlanOnly extends Error {}

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

/**
 * PostgreSQL's CPU time for one database while a phase runs: its backends' utime + stime from
 * /proc/PID/stat (the server runs on this machine), sampled every 250 ms since a backend's CPU is
 * gone once it disconnects; what a backend had used before the sampler started is not counted.
 */
function dbCpuSampler(client: pg.Client, database: string) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const ticks = (pid: number) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  };
  const sample = async (initial: boolean) => {
    const rows = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
    for (const { pid } of rows.rows) {
      const t = ticks(pid);
      if (t === null) continue;
      if (!first.has(pid)) first.set(pid, initial ? t : 0);
      last.set(pid, t);
    }
  };
  let running = sample(true);
  const timer = setInterval(() => (running = running.then(() => sample(false))), 250);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await sample(false);
      let sum = 0;
      for (const [pid, t] of last) sum += t - (first.get(pid) ?? 0);
      return sum / 100; // USER_HZ
    },
  };
}

const name = `meterdesk_bench_sms_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const standIn = await startSnsStandInProcess({ originationNumbers: [{ phoneNumber: '+18445550100', status: 'ACTIVE', partsPerSecond: 1_000_000 }] });
// BENCH_SMS_FUNCTION_STATS=1: the time PostgreSQL spent in each SQL function and trigger during the send.
const FUNCTION_STATS = process.env.BENCH_SMS_FUNCTION_STATS === '1';
if (FUNCTION_STATS) await admin.query(`ALTER DATABASE ${name} SET track_functions = 'all'`);
const db = await openDatabase({ databaseUrl: url.toString() });
try {
  const clock = systemClock;
  const now = clock.now();
  const [org] = await db.query<{ id: string }>(`insert into organizations (id, slug, name, updated_at) values (gen_random_uuid(), 'bench-sms', 'Bench SMS', now()) returning id`);
  const organizationId = org!.id;
  const [user] = await db.query<{ id: string }>(`insert into users (id, email, name, updated_at) values (gen_random_uuid(), 'owner@bench.test', 'Owner', now()) returning id`);
  await db.query(`insert into memberships (organization_id, id, user_id, role, updated_at) values ($1, gen_random_uuid(), $2, 'owner', now())`, [organizationId, user!.id]);
  await db.prisma.quotaOverride.create({ data: { organizationId, metric: 'sms_sent', limit: null, startsAt: new Date(now.getTime() - 86_400_000), endsAt: new Date(now.getTime() + 86_400_000), reason: 'bench' } });
  // No rate limit: the sender allows a million parts a second.
  await db.prisma.smsChannel.create({ data: { organizationId, region: standIn.region, originationNumber: '+18445550100', partsPerSecond: 1_000_000 } });
  // 100,000 contacts with consent across 10 US area codes, 1% opted out.
  await db.query(
    `insert into contacts (organization_id, id, owner_user_id, name, phone, country, tags, consent_sms, opt_out_sms, updated_at)
     select $1, gen_random_uuid(), $2, 'Contact ' || i, '+1' || (array['212','415','312','617','206','305','512','702','303','404'])[1 + i % 10] || lpad((i / 10)::text, 7, '0'),
            'US', array['customers'], true, i % 100 = 0, now()
       from generate_series(0, $3 - 1) i`,
    [organizationId, user!.id, Math.ceil(RECIPIENTS / 0.99)],
  );
  await db.query('analyze');
  const actor = { organizationId, userId: user!.id, role: 'owner' as const };

  // 1. Plan.
  const draft = { name: 'Bench', body: 'Bench: your order has shipped. Track it in the app.', smsType: 'Transactional' as const, appendFooter: true, includeTags: ['customers'], excludeTags: [], quietHoursAction: 'hold' as const };
  const promo = performance.now();
  const preview = await previewCampaign(db, actor, { ...draft, smsType: 'Promotional' }, clock);
  const previewSeconds = (performance.now() - promo) / 1000;
  const campaign = await db.prisma.campaign.create({ data: { organizationId, ownerUserId: user!.id, ...draft } });
  const planStarted = performance.now();
  const launched = await launchCampaign(db, actor, { campaignId: campaign.id }, clock);
  const planSeconds = (performance.now() - planStarted) / 1000;
  emit({ bench: 'sms', figure: 'plan', recipients: launched.counts.eligible, optedOut: launched.counts.optedOut, parts: launched.totalParts, seconds: +planSeconds.toFixed(2), target: '<= 5 s' });
  emit({ bench: 'sms', figure: 'preview_promotional', recipients: preview.counts.eligible, heldQuietHours: preview.counts.heldQuietHours, seconds: +previewSeconds.toFixed(2) });

  // BENCH_SMS_SEND=0: the plan figures alone.
  if (process.env.BENCH_SMS_SEND === '0') throw new PlanOnly();
  // 2. Send, bracketed by the baseline: its first half before the engine and its second half
  //    after, so load from elsewhere that rises or falls during the run weighs on both alike.
  //    PROCESSES processes each, CONCURRENCY calls in flight in each.
  const options = { accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, region: standIn.region, endpoint: standIn.endpoint };
  const rawHalf = async (from: number, to: number, prefix: string) => {
    const slice = Math.ceil((to - from) / PROCESSES);
    const started = performance.now();
    const workers = await Promise.all(
      Array.from({ length: PROCESSES }, (_, p) =>
        worker(['raw', String(from + p * slice), String(Math.min(to, from + (p + 1) * slice)), JSON.stringify(options), String(LANES), String(BATCH), prefix]),
      ),
    );
    return { workers, wall: (performance.now() - started) / 1000, published: await standIn.published(prefix) };
  };
  const total = launched.counts.sendNow;
  const half = Math.floor(total / 2);
  const loadBefore = loadavg()[0]!;
  const standInCpu0 = (await standIn.published('-')).cpuSeconds;
  const rawA = await rawHalf(0, half, 'Baseline1:');
  const standInCpu1 = rawA.published.cpuSeconds;
  const dbCpu = dbCpuSampler(admin, name);
  const sendStarted = performance.now();
  const engineWorkers = await Promise.all(Array.from({ length: PROCESSES }, () => worker(['engine', url.toString(), '-', JSON.stringify(options), String(LANES), String(BATCH)])));
  const sendWall = (performance.now() - sendStarted) / 1000;
  const engineDbCpu = await dbCpu.stop();
  const engine = await standIn.published('Bench:');
  if (FUNCTION_STATS) {
    // The sending processes have exited, so their statistics are flushed.
    const stats = await db.query<{ funcname: string; calls: string; total_time: number; self_time: number }>('select funcname, calls, total_time, self_time from pg_stat_user_functions order by self_time desc');
    emit({ bench: 'sms', figure: 'function_stats', functions: stats.map((f) => ({ name: f.funcname, calls: Number(f.calls), totalMs: Math.round(f.total_time), selfMs: Math.round(f.self_time) })) });
  }
  const loadMiddle = loadavg()[0]!;
  const rawB = await rawHalf(half, total, 'Baseline2:');
  const loadAfter = loadavg()[0]!;
  const counts = await db.query<{ status: string; n: string }>('select status, count(*) as n from campaign_messages where campaign_id = $1 group by status', [campaign.id]);
  const sent = Number(counts.find((c) => c.status === 'sent')?.n ?? 0);
  const duplicates = engine.count - engine.distinctPhones;

  // Rates at the provider: messages over the span from the first to the last the stand-in received
  // (process start-up is not counted for either side).
  const span = (x: PublishedSummary) => Math.max(0.001, ((x.lastAt ?? 0) - (x.firstAt ?? 0)) / 1000);
  const engineRate = sent / span(engine);
  const rawCount = rawA.published.count + rawB.published.count;
  const rawSpan = span(rawA.published) + span(rawB.published);
  const baseRate = rawCount / rawSpan;
  const cpu = (ws: Array<{ cpuSeconds: number }>) => ws.reduce((a, w) => a + w.cpuSeconds, 0);
  // CPU per message, in ms: the sending processes (SDK + engine), the stand-in, PostgreSQL's backends.
  const ms = (seconds: number, n: number) => +((seconds * 1000) / Math.max(1, n)).toFixed(3);
  const rawCpu = cpu(rawA.workers) + cpu(rawB.workers);
  // The stand-in's CPU in the baseline's windows also served the raw workers' uncounted warm-up calls.
  const warmups = (await standIn.published('Warmup:')).count;
  const rawStandInCpu = standInCpu1 - standInCpu0 + (rawB.published.cpuSeconds - engine.cpuSeconds);
  emit({
    bench: 'sms',
    figure: 'send_engine',
    messages: sent,
    seconds: +span(engine).toFixed(2),
    wallSeconds: +sendWall.toFixed(2),
    perSecond: Math.round(engineRate),
    processes: PROCESSES,
    concurrencyPerProcess: CONCURRENCY,
    cpuSeconds: +cpu(engineWorkers).toFixed(1),
    cpuMsPerMessage: { senders: ms(cpu(engineWorkers), sent), standIn: ms(engine.cpuSeconds - rawA.published.cpuSeconds, sent), postgres: ms(engineDbCpu, sent) },
    target: '>= 1000/s',
  });
  emit({
    bench: 'sms',
    figure: 'send_baseline_raw_publish',
    messages: rawCount,
    seconds: +rawSpan.toFixed(2),
    wallSeconds: +(rawA.wall + rawB.wall).toFixed(2),
    perSecond: Math.round(baseRate),
    halves: [Math.round(rawA.published.count / span(rawA.published)), Math.round(rawB.published.count / span(rawB.published))],
    processes: PROCESSES,
    concurrencyPerProcess: CONCURRENCY,
    cpuSeconds: +rawCpu.toFixed(1),
    cpuMsPerMessage: { senders: ms(rawCpu, rawCount), standIn: ms(rawStandInCpu, rawCount + warmups) },
  });
  emit({ bench: 'sms', figure: 'send_ratio', ratio: +(engineRate / baseRate).toFixed(2), target: '>= 0.5', loadAverage: { before: loadBefore, engineEnd: loadMiddle, after: loadAfter }, cores: cpus().length });
  const usage = await db.query<{ n: string; q: string }>(`select count(*) as n, coalesce(sum(quantity), 0) as q from usage_events where resource_id = $1`, [campaign.id]);
  emit({ bench: 'sms', figure: 'duplicates', duplicates, publishedForCampaign: engine.count, statuses: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])), usageEvents: Number(usage[0]!.n), target: 0 });
} catch (error) {
  if (!(error instanceof PlanOnly)) throw error;
} finally {
  await db.close();
  await standIn.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
process.exit(0);
