import { z } from 'zod';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import { findTeam, type Actor } from '../members/member-scope';
import { METRIC_KEYS } from '../metering/metrics';

export const setTeamBudgetInput = z.object({
  teamId: z.uuid(),
  metric: z.enum(METRIC_KEYS),
  /** Monthly budget; null removes it. */
  limit: z.number().int().min(0, 'Budgets cannot be negative.').max(1_000_000_000).nullable(),
});

/** A team's monthly budget on one metric (the metering engine enforces it). */
export async function setTeamBudget(db: Database, actor: Actor, input: z.infer<typeof setTeamBudgetInput>) {
  const team = await findTeam(db, actor.organizationId, input.teamId);
  const key = { organizationId_teamId_metric: { organizationId: actor.organizationId, teamId: team.id, metric: input.metric } };
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.teamBudget.findUnique({ where: key, select: { limit: true } });
    if (input.limit === null) await tx.teamBudget.deleteMany({ where: { organizationId: actor.organizationId, teamId: team.id, metric: input.metric } });
    else
      await tx.teamBudget.upsert({
        where: key,
        create: { organizationId: actor.organizationId, teamId: team.id, metric: input.metric, limit: input.limit },
        update: { limit: input.limit },
      });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'team.budget_change',
      targetType: 'team',
      targetId: team.id,
      before: { metric: input.metric, limit: before?.limit ?? null },
      after: { metric: input.metric, limit: input.limit },
    });
    return { metric: input.metric, limit: input.limit };
  });
}
