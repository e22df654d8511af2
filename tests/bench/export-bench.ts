// Export benchmark against PostgreSQL (DATABASE_URL, default the local server): an organization of
// 10,000 members in 50 teams with 1,000,000 usage events in one month (BENCH_EXPORT_EVENTS), seeded
// by this process (tests/bench/seed-usage.ts, shared with the dashboard benchmark). Each measured job
// then runs in a fresh child process (export-bench-worker.ts), so the peak RSS reported is that
// process's own (getrusage maxrss), untouched by the seeding or by the other jobs:
//  - the organization's events CSV through the export use case's writer, beside the raw baseline in
//    the same run: `COPY (the same select) TO STDOUT (FORMAT csv)` through pg-copy-streams to a file
//    (COPY once to warm, then alternated twice; each side's best);
//  - the 50-team organization's PDF report (figures, then drawing).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Clock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { resolveExportTarget } from '../../server/exports/export-target';
import { seedUsageOrganization } from './seed-usage';

const here = dirname(fileURLToPath(import.meta.url));
const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const MEMBERS = 10_000;
const TEAMS = 50;
const EVENTS = Number(process.env.BENCH_EXPORT_EVENTS ?? 1_000_000);
const clock: Clock = { now: () => new Date('2026-11-28T12:00:00Z') };

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

const loadavg = async () => (await readFile('/proc/loadavg', 'utf8').catch(() => '')).split(' ').slice(0, 3).join(' ');

const dbName = `meterdesk_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
const dir = await mkdtemp(join(tmpdir(), 'meterdesk-export-bench-'));
try {
  const db = await openDatabase({ databaseUrl: url });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const seeded = await seedUsageOrganization(db, pool, { slug: 'bench-export', name: 'Export Bench', members: MEMBERS, teams: TEAMS, events: EVENTS, createdAt: new Date('2026-01-01T00:00:00Z') });
  const actor = { organizationId: seeded.organizationId, userId: seeded.ownerId, role: 'owner' as const };
  // Resolved (reach, period) as the use case does before writing; the CSV child gets it as is.
  const target = await resolveExportTarget(db, actor, { scope: 'organization', period: '2026-11' }, clock.now());
  await pool.end();
  await db.close();

  const run = async (job: 'csv' | 'copy' | 'pdf') => {
    const out = join(dir, `${job}.${job === 'pdf' ? 'pdf' : 'csv'}`);
    const env = { ...process.env, DATABASE_URL: url, BENCH_JOB: job, BENCH_OUT: out, BENCH_ORG: seeded.organizationId, BENCH_OWNER: seeded.ownerId, BENCH_TARGET: job === 'pdf' ? '' : JSON.stringify(target) };
    const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, join(here, 'export-bench-worker.ts')], { env, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; peak_rss_mb: number; rss_before_mb: number; bytes: number; rows?: number; figures_seconds?: number; pages?: number };
  };

  const loadBefore = await loadavg();
  await run('copy'); // warm: plans, caches
  const baseline: Awaited<ReturnType<typeof run>>[] = [];
  const ours: Awaited<ReturnType<typeof run>>[] = [];
  for (let i = 0; i < 2; i++) {
    baseline.push(await run('copy'));
    ours.push(await run('csv'));
  }
  const b = baseline.reduce((x, y) => (y.seconds < x.seconds ? y : x));
  const best = ours.reduce((x, y) => (y.seconds < x.seconds ? y : x));
  emit({
    figure: 'events_csv',
    events: best.rows,
    members: MEMBERS,
    teams: TEAMS,
    seed_seconds: +seeded.seconds.toFixed(1),
    seconds: best.seconds,
    runs_seconds: ours.map((o) => o.seconds),
    baseline_copy_seconds: b.seconds,
    baseline_runs_seconds: baseline.map((o) => o.seconds),
    throughput_ratio: +(b.seconds / best.seconds).toFixed(2),
    peak_rss_mb: Math.max(...ours.map((o) => o.peak_rss_mb)),
    rss_before_export_mb: Math.max(...ours.map((o) => o.rss_before_mb)),
    baseline_peak_rss_mb: Math.max(...baseline.map((o) => o.peak_rss_mb)),
    csv_mb: +(best.bytes / 1048576).toFixed(1),
    baseline_csv_mb: +(b.bytes / 1048576).toFixed(1),
    loadavg_before: loadBefore,
    loadavg_after: await loadavg(),
    targets: '≤ 10 s, ratio ≥ 0.5, peak RSS ≤ 256 MB',
  });

  const pdfs = [await run('pdf'), await run('pdf')];
  const pdf = pdfs.reduce((x, y) => (y.seconds < x.seconds ? y : x));
  emit({
    figure: 'organization_pdf',
    teams: TEAMS,
    members: MEMBERS,
    events: EVENTS,
    seconds: pdf.seconds,
    runs_seconds: pdfs.map((p) => p.seconds),
    figures_seconds: pdf.figures_seconds,
    pages: pdf.pages,
    pdf_kb: +(pdf.bytes / 1024).toFixed(0),
    peak_rss_mb: pdf.peak_rss_mb,
    loadavg: await loadavg(),
    target: '≤ 3 s',
  });
} finally {
  await rm(dir, { recursive: true, force: true });
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
process.exit(0);
