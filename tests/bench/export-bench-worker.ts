// One measured export of the export benchmark, in a process of its own so that its peak RSS is the
// export's alone (the seeding and the other runs happened elsewhere). BENCH_JOB says which:
//   csv   the organization's events CSV through the export use case (opening the database as the app does)
//   copy  the raw baseline: COPY (the same select) TO STDOUT (FORMAT csv) through pg-copy-streams
//   pdf   the organization's PDF report: its figures, then the drawing
// Prints one JSON line: seconds of the job, and the process's peak RSS (getrusage's maxrss, i.e. VmHWM).
// The process holds what the job needs: the database layer as the app opens it (Prisma client, pg)
// and the CSV writer, or the report's modules; not the whole server (see README, export benchmark).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Clock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { resolveExportTarget, type ExportTarget } from '../../server/exports/export-target';
import { eventsSelectSql, writeUsageEventsCsv } from '../../server/exports/write-usage-csv';

const url = process.env.DATABASE_URL!;
const job = process.env.BENCH_JOB as 'csv' | 'copy' | 'pdf';
const out = process.env.BENCH_OUT!;
const actor = { organizationId: process.env.BENCH_ORG!, userId: process.env.BENCH_OWNER!, role: 'owner' as const, name: 'Person 1' };
const clock: Clock = { now: () => new Date('2026-11-28T12:00:00Z') };

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const db = await openDatabase({ databaseUrl: url });
// The CSV jobs get the target the parent resolved (checked with the person's reach), as the export
// use case hands it to the CSV writer; the report needs the ORM (limits, names) and resolves it here.
const given = process.env.BENCH_TARGET ? (JSON.parse(process.env.BENCH_TARGET) as ExportTarget) : null;
const target: ExportTarget = given
  ? { ...given, start: new Date(given.start), end: new Date(given.end) }
  : await resolveExportTarget(db, actor, { scope: 'organization', period: '2026-11' }, clock.now());
const rssBeforeMb = process.memoryUsage().rss / 1048576;
const result: Record<string, unknown> = { job };
const t0 = performance.now();
if (job === 'copy') {
  // The same rows and columns, written as CSV by the server itself.
  const sql = eventsSelectSql(target, { columns: true })
    .replace(/\$1/g, `'${target.organizationId}'::uuid`)
    .replace(/\$2/g, `'${target.start.toISOString()}'::timestamptz`)
    .replace(/\$3/g, `'${target.end.toISOString()}'::timestamptz`)
    .replace(/\$4::uuid/g, `'${target.scope.id}'::uuid`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await pipeline(client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(out));
  await client.end();
} else if (job === 'csv') {
  const file = createWriteStream(out);
  result.rows = (await writeUsageEventsCsv(db, target, file)).rows;
  file.end();
  await once(file, 'finish');
} else {
  // Loaded for this job only (pdfkit and its fonts are about 22 MB the CSV jobs do not carry).
  const { getUsageReportData } = await import('../../server/exports/usage-report-data');
  const { renderUsageReportPdf } = await import('../../server/exports/render-usage-report-pdf');
  const data = await getUsageReportData(db, actor, target, clock);
  result.figures_seconds = +((performance.now() - t0) / 1000).toFixed(2);
  const file = createWriteStream(out);
  result.pages = (await renderUsageReportPdf(data, file)).pages;
}
result.seconds = +((performance.now() - t0) / 1000).toFixed(2);
result.bytes = (await stat(out)).size;
result.rss_before_mb = +rssBeforeMb.toFixed(0);
result.peak_rss_mb = +peakRssMb().toFixed(0);
await db.close();
console.log(JSON.stringify(result));
process.exit(0);
