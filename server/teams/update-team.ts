import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordAuditEvent } from '../audit/record-audit-event';
import { assertCanManageTeam, findTeam, type Actor } from '../members/member-scope';
import { rethrowDuplicateTeamName, teamNameSchema } from './team-name';

export const updateTeamInput = z.object({
  teamId: z.uuid(),
  name: teamNameSchema.optional(),
  archived: z.boolean().optional(),
});

/** Renames, archives or restores a team (admins, or the team's own managers). */
export async function updateTeam(db: Database, actor: Actor, input: z.infer<typeof updateTeamInput>, clock: Clock) {
  const team = await findTeam(db, actor.organizationId, input.teamId);
  await assertCanManageTeam(db, actor, team.id);
  const data = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.archived !== undefined ? { archivedAt: input.archived ? (team.archivedAt ?? clock.now()) : null } : {}),
  };
  try {
    return await db.prisma.$transaction(async (tx) => {
      const updated = await tx.team.update({ where: { organizationId_id: { organizationId: actor.organizationId, id: team.id } }, data });
      await recordAuditEvent(tx, {
        organizationId: actor.organizationId,
        actorUserId: actor.userId,
        action: input.archived === true ? 'team.archive' : input.archived === false ? 'team.restore' : 'team.rename',
        targetType: 'team',
        targetId: team.id,
        before: { name: team.name, archived: !!team.archivedAt },
        after: { name: updated.name, archived: !!updated.archivedAt },
      });
      return { id: updated.id, name: updated.name, archivedAt: updated.archivedAt };
    });
  } catch (error) {
    rethrowDuplicateTeamName(error, input.name ?? team.name);
  }
}
