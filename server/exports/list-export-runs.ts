// Export history (seed 003): past exports with who made them. Owners and admins see every export of
// the organization; everyone else the exports they made themselves.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';
import type { ExportServices } from './export-services';

export const listExportRunsInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 });

export async function listExportRuns(db: Database, exportsSvc: ExportServices, actor: Actor, input: z.output<typeof listExportRunsInput>) {
  const all = orgRoleCan(actor.role, 'usage:read');
  const runs = await db.prisma.exportRun.findMany({
    where: { organizationId: actor.organizationId, ...(all ? {} : { createdById: actor.userId }) },
    orderBy: { createdAt: 'desc' },
    take: input.limit,
  });
  const userIds = [...new Set(runs.map((r) => r.createdById).filter((id): id is string => !!id))];
  const users = userIds.length ? await db.prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } }) : [];
  return runs.map((r) => {
    const by = users.find((u) => u.id === r.createdById);
    const live = exportsSvc.running.get(r.id);
    return {
      id: r.id,
      kind: r.kind,
      scope: r.scope,
      scopeName: r.scopeName,
      period: r.period,
      status: r.status,
      fileName: r.fileName,
      bytes: r.bytes === null ? null : Number(r.bytes),
      sha256: r.sha256,
      rows: r.rows,
      error: r.error,
      scheduled: r.scheduleId !== null,
      downloadable: r.status === 'succeeded' && r.scheduleId === null,
      createdBy: by ? by.name || by.email : r.scheduleId ? 'Scheduled export' : 'Former member',
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
      progress: live ? { fraction: live.progress.fraction, stage: live.progress.stage } : null,
    };
  });
}
