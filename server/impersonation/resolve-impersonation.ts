import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { ResolvedSession } from '../auth/resolve-session';
import { platformRoleCan } from '../permissions/permissions';
import { endImpersonation } from './end-impersonation';

export interface ActiveImpersonation {
  id: string;
  organizationId: string;
  organizationName: string;
  impersonator: { id: string; name: string; email: string };
  impersonated: { id: string; name: string; email: string };
  reason: string;
  ticketReference: string;
  startedAt: Date;
  expiresAt: Date;
  mode: 'read_only' | 'escalated';
  escalationReason: string | null;
}

/**
 * The session a request acts with. When its staff member is impersonating, that is the tenant's
 * user, inside the tenant, with no platform role (so no platform procedure and no more than the
 * user's own rights); the real staff member is kept in `impersonation`. Expiry is enforced here, on
 * the server, for every request: an expired impersonation is ended and the session is the staff
 * member's own again. So is one whose staff member lost the permission, or whose user lost access.
 */
export async function resolveImpersonation(
  db: Database,
  session: ResolvedSession | null,
  clock: Clock,
): Promise<{ session: ResolvedSession | null; impersonation: ActiveImpersonation | null }> {
  if (!session?.impersonationId) return { session, impersonation: null };
  // Read by the tenant's key: the session names the impersonated organization beside the id.
  const row = session.impersonationOrganizationId
    ? await db.prisma.impersonationSession.findUnique({ where: { organizationId_id: { organizationId: session.impersonationOrganizationId, id: session.impersonationId } } })
    : null;
  const staffOnly = { session: { ...session, impersonationId: null, impersonationOrganizationId: null }, impersonation: null };
  if (!row || row.staffSessionId !== session.id || row.impersonatorUserId !== session.userId || row.endedAt) {
    await db.prisma.session.updateMany({ where: { id: session.id, impersonationId: session.impersonationId }, data: { impersonationId: null, impersonationOrganizationId: null } });
    return staffOnly;
  }
  if (row.expiresAt <= clock.now()) {
    await endImpersonation(db, row, 'expired', clock);
    return staffOnly;
  }
  const [target, organization] = await Promise.all([
    db.prisma.user.findUnique({
      where: { id: row.impersonatedUserId },
      select: { id: true, email: true, name: true, platformRole: true, status: true, memberships: { where: { organizationId: row.organizationId }, select: { status: true } } },
    }),
    db.prisma.organization.findUnique({ where: { id: row.organizationId }, select: { name: true } }),
  ]);
  const stillAllowed = platformRoleCan(session.user.platformRole, 'platform:impersonate') && session.user.status === 'active';
  if (!stillAllowed || !target || !organization || target.status !== 'active' || target.memberships[0]?.status !== 'active') {
    await endImpersonation(db, row, 'access_lost', clock);
    return staffOnly;
  }
  const { memberships: _m, ...user } = target;
  return {
    session: { ...session, userId: target.id, activeOrganizationId: row.organizationId, user: { ...user, platformRole: null } },
    impersonation: {
      id: row.id,
      organizationId: row.organizationId,
      organizationName: organization.name,
      impersonator: { id: session.user.id, name: session.user.name, email: session.user.email },
      impersonated: { id: target.id, name: target.name, email: target.email },
      reason: row.reason,
      ticketReference: row.ticketReference,
      startedAt: row.startedAt,
      expiresAt: row.expiresAt,
      mode: row.escalatedAt ? 'escalated' : 'read_only',
      escalationReason: row.escalationReason,
    },
  };
}
