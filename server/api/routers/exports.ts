// Reports and offline exports (server/exports/). Usage exports need only usage:read_own: what a person
// may export is decided inside by their reach (owners and admins the organization, managers their
// teams, everyone else themselves), as for the usage dashboards.
import { TRPCError } from '@trpc/server';
import { cancelExport } from '../../exports/cancel-export';
import { exportBillingHistory } from '../../exports/export-billing-history';
import { exportFinanceMonth, financeMonthInput } from '../../exports/export-finance-month';
import { createExportSchedule, createExportScheduleInput, deleteExportSchedule, deleteExportScheduleInput, listExportSchedules } from '../../exports/export-schedules';
import type { ExportServices } from '../../exports/export-services';
import { exportRunInput, getExportProgress } from '../../exports/get-export-progress';
import { getSigningKeyInfo } from '../../exports/get-signing-key-info';
import { listExportRuns, listExportRunsInput } from '../../exports/list-export-runs';
import { startUsageExport, startUsageExportInput } from '../../exports/run-usage-export';
import { openPackFromDisk } from '../../exports/open-pack-from-disk';
import { saveExportCopy } from '../../exports/save-export-copy';
import { z } from 'zod';
import { AppError } from '../../errors';
import { authedProcedure, offlineProcedure, orgProcedure, platformProcedure, router } from '../trpc';

function exportsOf(ctx: { exports?: ExportServices }): ExportServices {
  if (!ctx.exports) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Exports are not available in this process.' });
  return ctx.exports;
}

export const exportsRouter = router({
  start: orgProcedure('usage:read_own')
    .input(startUsageExportInput)
    .mutation(async ({ ctx, input }) => {
      const { runId, fileName } = await startUsageExport({ db: ctx.db, clock: ctx.clock, exports: exportsOf(ctx), version: ctx.version }, { ...ctx.actor, name: ctx.user.name || ctx.user.email }, input);
      return { runId, fileName };
    }),
  progress: orgProcedure('usage:read_own').input(exportRunInput).query(({ ctx, input }) => getExportProgress(ctx.db, exportsOf(ctx), ctx.actor, input.runId)),
  cancel: orgProcedure('usage:read_own').input(exportRunInput).mutation(({ ctx, input }) => cancelExport(ctx.db, exportsOf(ctx), ctx.actor, input.runId)),
  history: orgProcedure('usage:read_own').input(listExportRunsInput).query(({ ctx, input }) => listExportRuns(ctx.db, exportsOf(ctx), ctx.actor, input)),
  signingKey: authedProcedure.query(({ ctx }) => getSigningKeyInfo(exportsOf(ctx))),
  // Desktop only (the system dialogs the main process lends the request); browser mode downloads.
  saveCopy: orgProcedure('usage:read_own').input(exportRunInput).mutation(({ ctx, input }) => saveExportCopy(ctx.db, exportsOf(ctx), ctx.request.files, ctx.actor, input.runId)),
  // No session and no database needed (the console can check a pack while the database is down).
  openPackFromDisk: offlineProcedure.input(z.object({ source: z.enum(['dialog', 'launch']) })).mutation(({ ctx, input }) => openPackFromDisk(exportsOf(ctx), ctx.request.files, input.source)),
  schedules: orgProcedure('usage:read_own').query(({ ctx }) => listExportSchedules(ctx.db, ctx.actor)),
  createSchedule: orgProcedure('usage:read_own')
    .input(createExportScheduleInput)
    .mutation(({ ctx, input }) => createExportSchedule(ctx.db, exportsOf(ctx), ctx.actor, input, ctx.request.transport, ctx.clock.now())),
  /** Desktop: the person picks the folder in the system dialog; the path never comes from the page. */
  createScheduleInChosenFolder: orgProcedure('usage:read_own')
    .input(createExportScheduleInput.omit({ folder: true }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.request.files) throw new AppError('BAD_REQUEST', 'Choosing a folder needs the desktop app: in browser mode scheduled exports go to the server’s data folder.', { field: 'folder' });
      const chosen = await ctx.request.files.chooseFolder();
      if ('canceled' in chosen) return { canceled: true as const };
      if ('refused' in chosen) throw new AppError('BAD_REQUEST', chosen.refused, { field: 'folder' });
      return { canceled: false as const, schedule: await createExportSchedule(ctx.db, exportsOf(ctx), ctx.actor, { ...input, folder: chosen.path }, ctx.request.transport, ctx.clock.now()) };
    }),
  deleteSchedule: orgProcedure('usage:read_own').input(deleteExportScheduleInput).mutation(({ ctx, input }) => deleteExportSchedule(ctx.db, ctx.actor, input.scheduleId)),
  billingHistory: orgProcedure('billing:read').query(({ ctx }) => exportBillingHistory(ctx.db, ctx.organizationId, ctx.clock.now())),
  financeMonth: platformProcedure('platform:revenue:read').input(financeMonthInput).query(({ ctx, input }) => exportFinanceMonth(ctx.db, input.month, ctx.clock.now())),
});
