import { z } from 'zod';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';
import { rethrowDuplicateTeamName, teamNameSchema } from './team-name';

export const createTeamInput = z.object({ name: teamNameSchema });

/** Creates a team. A manager who creates one becomes its manager, so it is theirs to run. */
export async function createTeam(db: Database, actor: Actor, input: z.infer<typeof createTeamInput>) {
  try {
    return await db.prisma.$transaction(async (tx) => {
      const team = await tx.team.create({ data: { organizationId: actor.organizationId, name: input.name } });
      if (!orgRoleCan(actor.role, 'teams:manage')) {
        await tx.teamMembership.create({ data: { organizationId: actor.organizationId, teamId: team.id, userId: actor.userId, role: 'manager' } });
      }
      await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'team.create', targetType: 'team', targetId: team.id, after: { name: team.name } });
      return { id: team.id, name: team.name };
    });
  } catch (error) {
    rethrowDuplicateTeamName(error, input.name);
  }
}
