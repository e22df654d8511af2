import type { Database } from '../db/open-database';
import { AppError } from '../errors';

/** Makes organizationId the session's acting organization, if the user is an active member of it. */
export async function switchOrganization(db: Database, input: { sessionId: string; userId: string; organizationId: string }) {
  const membership = await db.prisma.membership.findUnique({
    where: { organizationId_userId: { organizationId: input.organizationId, userId: input.userId } },
    select: { status: true },
  });
  if (!membership || membership.status !== 'active') throw new AppError('NOT_FOUND', 'That organization does not exist or you are not a member of it.');
  await db.prisma.session.update({ where: { id: input.sessionId }, data: { activeOrganizationId: input.organizationId } });
}
