// The durable monthly exports (server/jobs/registry.ts runs this every few minutes in every process):
// each due schedule is claimed with FOR UPDATE SKIP LOCKED and a lease, so exactly one process runs
// it; its next run moves to the following month before the work starts. It runs with the creator's
// current role and reach — a person who lost access to the scope gets a failure, not the data. The
// result is kept on the schedule and a failure is told to its creator through the notification centre.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { OrgRoleName } from '../permissions/permissions';
import { createNotifications } from '../notifications/notify-people';
import { AppError } from '../errors';
import { logUnexpectedError } from '../logging/log-error';
import { firstOfNextMonth } from './export-schedules';
import { startUsageExport, type ExportDeps } from './run-usage-export';

const LEASE_MS = 30 * 60_000;

export async function runScheduledExports(deps: ExportDeps) {
  const now = deps.clock.now();
  const claimed = await deps.db.query<{ organization_id: string; id: string }>(
    `update export_schedules s set leased_until = $2
       from (select organization_id, id from export_schedules where next_run_at <= $1 and (leased_until is null or leased_until < $1)
              order by next_run_at limit 5 for update skip locked) due
      where s.organization_id = due.organization_id and s.id = due.id
      returning s.organization_id, s.id`,
    [now, new Date(now.getTime() + LEASE_MS)],
  );
  for (const c of claimed) await runOne(deps, c.organization_id, c.id, now);
  return { ran: claimed.length };
}

async function runOne(deps: ExportDeps, organizationId: string, id: string, now: Date) {
  const s = await deps.db.prisma.exportSchedule.findUniqueOrThrow({ where: { organizationId_id: { organizationId, id } } });
  // The month before the one the run is due in.
  const due = s.nextRunAt;
  const monthStart = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() - 1, 1));
  const period = monthStart.toISOString().slice(0, 7);
  await deps.db.prisma.exportSchedule.update({ where: { organizationId_id: { organizationId, id } }, data: { nextRunAt: firstOfNextMonth(due > now ? due : now) } });
  let status = 'succeeded';
  let error: string | null = null;
  let runId: string | null = null;
  try {
    const member = await deps.db.prisma.membership.findUnique({ where: { organizationId_userId: { organizationId, userId: s.createdById } }, select: { role: true, status: true, user: { select: { name: true, email: true } } } });
    if (!member || member.status !== 'active') throw new AppError('FORBIDDEN', 'The person who scheduled this export is no longer an active member.');
    const started = await startUsageExport(
      deps,
      { organizationId, userId: s.createdById, role: member.role as OrgRoleName, name: member.user.name || member.user.email },
      { scope: s.scope as 'organization' | 'team' | 'user', id: s.scope === 'organization' ? undefined : s.scopeId, period, format: 'pack' },
      { folder: s.folder, scheduleId: s.id },
    );
    runId = started.runId;
    await started.done;
    const run = await deps.db.prisma.exportRun.findUniqueOrThrow({ where: { organizationId_id: { organizationId, id: runId } }, select: { status: true, error: true } });
    status = run.status;
    error = run.error;
  } catch (e) {
    status = 'failed';
    error = e instanceof AppError ? e.message : 'The export failed unexpectedly; it has been logged.';
    if (!(e instanceof AppError)) logUnexpectedError(`scheduled export ${id}`, e);
  }
  await deps.db.prisma.$transaction(async (tx) => {
    await tx.exportSchedule.update({ where: { organizationId_id: { organizationId, id } }, data: { lastRunAt: deps.clock.now(), lastStatus: status, lastError: error, lastRunId: runId, leasedUntil: null } });
    if (status !== 'succeeded') {
      const user = await tx.user.findUnique({ where: { id: s.createdById }, select: { id: true, email: true, name: true } });
      if (user) {
        await createNotifications(tx, organizationId, [{ userId: user.id, email: user.email, name: user.name }], { kind: 'export.failed', title: `Scheduled export of ${s.scopeName} for ${period} failed`, body: error ?? 'The export did not finish.', link: 'exports' }, deps.clock.now());
      }
    }
  });
}
