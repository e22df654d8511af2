// Starts a usage export (CSV, summary CSV, PDF or signed pack) for a scope and month: checked first
// (scope within reach, a month that started and in which the organization existed), recorded in the
// export history, then written in the background to a hidden partial file that becomes the export
// only when complete — so a cancelled or failed export leaves no file behind.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { logUnexpectedError } from '../logging/log-error';
import type { Actor } from '../members/member-scope';
import { writeExportPack, sha256File } from './export-pack';
import type { ExportServices } from './export-services';
import { exportFileBase, exportScopeInput, resolveExportTarget, type ExportTarget } from './export-target';
import { requireSigningKey } from './installation-signing-key';
import { renderUsageReportPdf } from './render-usage-report-pdf';
import { getUsageReportData } from './usage-report-data';
import { EXPORT_HEARTBEAT_MS, partialDirName } from './sweep-interrupted-exports';
import { countScopeEvents, ExportCanceledError, writeUsageEventsCsv, writeUsageSummaryCsv } from './write-usage-csv';

export const USAGE_EXPORT_FORMATS = ['csv', 'summary_csv', 'pdf', 'pack'] as const;
export const startUsageExportInput = exportScopeInput.extend({ format: z.enum(USAGE_EXPORT_FORMATS) });

const KIND = { csv: 'usage_csv', summary_csv: 'usage_summary_csv', pdf: 'usage_pdf', pack: 'usage_pack' } as const;
const EXT = { csv: 'csv', summary_csv: 'csv', pdf: 'pdf', pack: 'mdpack' } as const;

export interface ExportDeps {
  db: Database;
  clock: Clock;
  exports: ExportServices;
  version: string;
}

export interface ExportActor extends Actor {
  name: string;
}

/** Checks and records the export, starts writing it, and returns its id at once. */
export async function startUsageExport(deps: ExportDeps, actor: ExportActor, input: z.output<typeof startUsageExportInput>, options: { folder?: string; scheduleId?: string } = {}) {
  const now = deps.clock.now();
  const target = await resolveExportTarget(deps.db, actor, input, now);
  // The signing key is checked before anything is recorded: no key, no pack, nothing written.
  const key = input.format === 'pack' ? await requireSigningKey(deps.exports.keychain, deps.exports.env) : null;
  const fileName = `${exportFileBase(target)}${input.format === 'summary_csv' ? '-summary' : ''}.${EXT[input.format]}`;
  const run = await deps.db.prisma.exportRun.create({
    data: {
      organizationId: actor.organizationId,
      kind: KIND[input.format],
      scope: target.scope.kind,
      scopeId: target.scope.id,
      scopeName: target.scope.name,
      period: target.period,
      status: 'running',
      fileName,
      scheduleId: options.scheduleId ?? null,
      createdById: actor.userId,
      createdAt: now,
      heartbeatAt: now,
    },
    select: { id: true },
  });
  const folder = options.folder ?? join(deps.exports.dir, actor.organizationId, run.id);
  const controller = new AbortController();
  const progress = { runId: run.id, organizationId: actor.organizationId, createdById: actor.userId, fraction: 0, stage: 'Starting' };
  const report = (fraction: number, stage: string) => {
    progress.fraction = Math.min(1, fraction);
    progress.stage = stage;
    deps.exports.events.emit('progress', { ...progress });
  };
  // While it is written the run's heartbeat moves; if this process dies, the heartbeat stops and the
  // interrupted-exports sweep (sweep-interrupted-exports.ts) marks it failed and removes its partial files.
  const heartbeat = setInterval(() => {
    deps.db.prisma.exportRun
      .updateMany({ where: { organizationId: actor.organizationId, id: run.id, status: 'running' }, data: { heartbeatAt: deps.clock.now() } })
      .catch((e: unknown) => logUnexpectedError(`export ${run.id} heartbeat`, e));
  }, EXPORT_HEARTBEAT_MS);
  heartbeat.unref();
  const done = (async () => {
    await new Promise((r) => setImmediate(r));
    // Named after the run (not random) so the sweep can find it after a crash.
    const work = join(folder, partialDirName(run.id));
    const finalPath = join(folder, fileName);
    try {
      await mkdir(work, { recursive: true });
      const partial = join(work, fileName);
      const rows = await writeUsageExport(deps, actor, target, input.format, partial, work, controller.signal, report, key);
      if (controller.signal.aborted) throw new ExportCanceledError();
      await rename(partial, finalPath);
      const { size } = await stat(finalPath);
      await deps.db.prisma.exportRun.update({
        where: { organizationId_id: { organizationId: actor.organizationId, id: run.id } },
        data: { status: 'succeeded', filePath: finalPath, bytes: BigInt(size), sha256: await sha256File(finalPath), rows, finishedAt: deps.clock.now() },
      });
      report(1, 'Done');
    } catch (error) {
      const canceled = error instanceof ExportCanceledError || controller.signal.aborted;
      if (!canceled) logUnexpectedError(`export ${run.id}`, error);
      await deps.db.prisma.exportRun
        .update({
          where: { organizationId_id: { organizationId: actor.organizationId, id: run.id } },
          data: { status: canceled ? 'canceled' : 'failed', error: canceled ? null : exportFailure(error), finishedAt: deps.clock.now() },
        })
        .catch((e: unknown) => logUnexpectedError(`export ${run.id} status`, e));
      report(progress.fraction, canceled ? 'Cancelled' : 'Failed');
      if (!options.folder) await rm(folder, { recursive: true, force: true });
      if (!canceled && options.scheduleId) throw error;
    } finally {
      clearInterval(heartbeat);
      await rm(work, { recursive: true, force: true });
      deps.exports.running.delete(run.id);
      deps.exports.events.emit('settled', run.id);
    }
  })();
  deps.exports.running.set(run.id, { controller, progress, done: done.catch(() => {}) });
  return { runId: run.id, fileName, done };
}

function exportFailure(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOSPC/.test(message)) return 'The disk is full: free some space and export again.';
  if (/EACCES|EPERM/.test(message)) return 'The export folder cannot be written to: choose another folder.';
  if (/signing key|keychain/i.test(message)) return message;
  return 'The export failed unexpectedly; it has been logged. Try again.';
}

async function writeToFile(path: string, write: (out: NodeJS.WritableStream & import('node:stream').Writable) => Promise<unknown>) {
  const out = createWriteStream(path);
  const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
  failed.catch(() => {});
  await Promise.race([write(out), failed]);
  if (!out.writableFinished) {
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  }
}

async function writeUsageExport(
  deps: ExportDeps,
  actor: ExportActor,
  target: ExportTarget,
  format: (typeof USAGE_EXPORT_FORMATS)[number],
  path: string,
  work: string,
  signal: AbortSignal,
  report: (fraction: number, stage: string) => void,
  key: Awaited<ReturnType<typeof requireSigningKey>> | null,
): Promise<number> {
  const pageSize = deps.exports.pageSize;
  if (format === 'summary_csv') {
    let rows = 0;
    await writeToFile(path, async (out) => (rows = (await writeUsageSummaryCsv(deps.db, target, out, { signal })).rows));
    return rows;
  }
  if (format === 'pdf') {
    report(0.1, 'Adding up');
    const data = await getUsageReportData(deps.db, actor, target, deps.clock);
    if (signal.aborted) throw new ExportCanceledError();
    report(0.5, 'Drawing the report');
    await writeToFile(path, (out) => renderUsageReportPdf(data, out));
    return data.totals.reduce((s, t) => s + t.events, 0);
  }
  const total = Math.max(1, await countScopeEvents(deps.db, target));
  // The events CSV is most of the work: 0–80% of the bar for a pack, all of it alone.
  const share = format === 'pack' ? 0.8 : 1;
  const eventsPath = format === 'pack' ? join(work, 'usage-events.csv') : path;
  let rows = 0;
  await writeToFile(eventsPath, async (out) => {
    rows = (await writeUsageEventsCsv(deps.db, target, out, { signal, pageSize, onProgress: (n) => report((n / total) * share, `Writing events (${n.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})`) })).rows;
  });
  if (format === 'csv') return rows;
  report(0.82, 'Summary');
  const summaryPath = join(work, 'usage-summary.csv');
  await writeToFile(summaryPath, (out) => writeUsageSummaryCsv(deps.db, target, out, { signal }));
  report(0.86, 'Report');
  const data = await getUsageReportData(deps.db, actor, target, deps.clock);
  const reportPath = join(work, 'report.json');
  await writeToFile(reportPath, async (out) => out.write(JSON.stringify(data)));
  const pdfPath = join(work, 'report.pdf');
  await writeToFile(pdfPath, (out) => renderUsageReportPdf(data, out));
  if (signal.aborted) throw new ExportCanceledError();
  report(0.94, 'Signing');
  await writeExportPack(
    path,
    [
      { name: 'usage-events.csv', path: eventsPath },
      { name: 'usage-summary.csv', path: summaryPath },
      { name: 'report.json', path: reportPath },
      { name: 'report.pdf', path: pdfPath, compress: false },
    ],
    { organization: data.organization, scope: data.scope, period: data.period, generatedAt: data.generatedAt, generatedBy: data.generatedBy, appVersion: deps.version },
    key!,
  );
  return rows;
}
