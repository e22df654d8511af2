// Checks shared by single and CSV invitations, so both answer the same messages.
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import type { OrgRoleName } from '../permissions/permissions';

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

export interface InvitationTarget {
  email: string;
  role: OrgRoleName;
  teamId?: string | null;
}

/** Problems with inviting these people, by email, as the errors to answer; an empty map means all can be invited. */
export async function findInvitationProblems(db: Database, actor: Actor, targets: InvitationTarget[], clock: Clock): Promise<Map<string, AppError[]>> {
  const emails = targets.map((t) => t.email);
  const [members, pending, teams] = await Promise.all([
    db.prisma.membership.findMany({ where: { organizationId: actor.organizationId, user: { email: { in: emails } } }, select: { user: { select: { email: true } } } }),
    db.prisma.invitation.findMany({
      where: { organizationId: actor.organizationId, email: { in: emails }, acceptedAt: null, revokedAt: null, expiresAt: { gt: clock.now() } },
      select: { email: true },
    }),
    db.prisma.team.findMany({ where: { organizationId: actor.organizationId, archivedAt: null }, select: { id: true } }),
  ]);
  const memberEmails = new Set(members.map((m) => m.user.email));
  const pendingEmails = new Set(pending.map((p) => p.email));
  const teamIds = new Set(teams.map((t) => t.id));
  const problems = new Map<string, AppError[]>();
  const add = (email: string, error: AppError) => problems.set(email, [...(problems.get(email) ?? []), error]);
  for (const t of targets) {
    if (memberEmails.has(t.email)) add(t.email, new AppError('CONFLICT', `${t.email} is already a member of this organization.`, { field: 'email' }));
    else if (pendingEmails.has(t.email)) add(t.email, new AppError('CONFLICT', `${t.email} already has a pending invitation: resend it instead.`, { field: 'email' }));
    if (t.role === 'owner' && actor.role !== 'owner') add(t.email, new AppError('FORBIDDEN', 'Only owners can invite owners.', { field: 'role' }));
    if (t.teamId && !teamIds.has(t.teamId)) add(t.email, new AppError('NOT_FOUND', 'That team does not exist in this organization (or is archived).', { field: 'teamId' }));
  }
  return problems;
}

export function invitationEmail(input: { organizationName: string; inviterName: string; role: string; link: string; expiresAt: Date }) {
  return {
    subject: `${input.inviterName} invited you to ${input.organizationName} on Meterdesk`,
    text:
      `${input.inviterName} invited you to join ${input.organizationName} on Meterdesk as ${input.role}.\n\n` +
      `Accept the invitation: ${input.link}\n\n` +
      `The link works once and expires on ${input.expiresAt.toUTCString()}.`,
  };
}
