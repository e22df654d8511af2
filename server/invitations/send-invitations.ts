import type { Prisma } from '../db/generated/client';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event';
import type { AppServices } from '../api/trpc';
import { newToken } from '../auth/session-tokens';
import type { Actor } from '../members/member-scope';
import { setInvitationToken } from './invitation-tokens';
import { INVITATION_TTL_MS, invitationEmail, type InvitationTarget } from './invitation-rules';

/** The console link that opens an invitation: the browser console when served, else a desktop deep link. */
export function invitationLink(services: Pick<AppServices, 'consoleUrl'>, token: string) {
  return services.consoleUrl ? `${services.consoleUrl.replace(/\/?$/, '/')}#/invite/${token}` : `meterdesk://invite/${token}`;
}

export interface IssuedInvitation {
  id: string;
  email: string;
  role: string;
  expiresAt: Date;
  token: string;
}

/** Creates invitation rows (inside the caller's transaction); returns the tokens to mail after commit. */
export async function issueInvitations(tx: Prisma.TransactionClient, actor: Actor, targets: InvitationTarget[], now: Date): Promise<IssuedInvitation[]> {
  const issued: IssuedInvitation[] = [];
  for (const target of targets) {
    const { token, hash } = newToken('mdi');
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    const row = await tx.invitation.create({
      data: { organizationId: actor.organizationId, email: target.email, role: target.role, teamId: target.teamId ?? null, tokenHash: hash, invitedById: actor.userId, expiresAt, lastSentAt: now },
    });
    await setInvitationToken(tx, actor.organizationId, row.id, hash);
    issued.push({ id: row.id, email: row.email, role: row.role, expiresAt, token });
    // Outbound webhook (never the link: it is the invitee's credential).
    await enqueueWebhookEvent(tx, actor.organizationId, 'member.invited', { invitationId: row.id, email: row.email, role: row.role, teamId: row.teamId, invitedBy: actor.userId, expiresAt }, now);
  }
  return issued;
}

/**
 * Mails each invitation; the outbox records it whether or not SMTP is configured (the link only
 * sealed, or not at all). Returns, per invitation, whether the outbox kept its link.
 */
export async function mailInvitations(services: Pick<AppServices, 'db' | 'mailer' | 'consoleUrl'>, actor: Actor, issued: IssuedInvitation[]) {
  const linkKept = new Map<string, boolean>();
  const [organization, inviter] = await Promise.all([
    services.db.prisma.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { name: true } }),
    services.db.prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } }),
  ]);
  for (const invitation of issued) {
    const link = invitationLink(services, invitation.token);
    const email = invitationEmail({ organizationName: organization.name, inviterName: inviter.name, role: invitation.role, link, expiresAt: invitation.expiresAt });
    const sent = await services.mailer.send({ organizationId: actor.organizationId, to: invitation.email, ...email, link, invitationId: invitation.id });
    linkKept.set(invitation.id, sent.linkKept);
  }
  return linkKept;
}
