import { z } from 'zod';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import { findTeam, type Actor } from '../members/member-scope';
import { METRIC_KEYS } from '../metering/metrics';

export const setTeamBudgetsInput = z.object({
  teamId: z.uuid(),
  /** Monthly budget per metric; null removes that budget. All change together or none. */
  budgets: z
    .array(z.object({ metric: z.enum(METRIC_KEYS), limit: z.number().int().min(0, 'Budgets cannot be negative.').max(1_000_000_000).nullable() }))
    .min(1)
    .max(METRIC_KEYS.length),
});

/** A team's monthly budgets per metric (the metering engine enforces them), in one transaction. */
export async function setTeamBudgets(db: Database, actor: Actor, input: z.output<typeof setTeamBudgetsInput>) {
  const team = await findTeam(db, actor.organizationId, input.teamId);
  const where = { organizationId: actor.organizationId, teamId: team.id };
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.teamBudget.findMany({ where, select: { metric: true, limit: true }, orderBy: { metric: 'asc' } });
    for (const { metric, limit } of input.budgets) {
      if (limit === null) await tx.teamBudget.deleteMany({ where: { ...where, metric } });
      else await tx.teamBudget.upsert({ where: { organizationId_teamId_metric: { ...where, metric } }, create: { ...where, metric, limit }, update: { limit } });
    }
    const after = await tx.teamBudget.findMany({ where, select: { metric: true, limit: true }, orderBy: { metric: 'asc' } });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'team.budget_change',
      targetType: 'team',
      targetId: team.id,
      before: { team: team.name, budgets: before },
      after: { team: team.name, budgets: after },
    });
    return after;
  });
}
