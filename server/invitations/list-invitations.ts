import { z } from 'zod';
import type { Prisma } from '../db/generated/client';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { Actor } from '../members/member-scope';
import { plainText } from '../validation/text';
import { likeLiteral } from '../db/like-pattern';

export const INVITATION_STATUSES = ['pending', 'expired', 'accepted', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** The most rows one list answers: search or filter to reach the rest. */
export const INVITATION_LIST_LIMIT = 1000;

export const listInvitationsInput = z
  .object({
    /** Part of an email, any case. */
    search: plainText().trim().max(254, 'Search with at most 254 characters.').optional(),
    /** `open` (default): pending and expired, the ones that can still be resent or revoked. */
    status: z.enum(['open', 'all', ...INVITATION_STATUSES]).optional(),
  })
  .optional();

export function invitationStatus(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationStatus {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expiresAt <= now ? 'expired' : 'pending';
}

/** Invitations of the organization, newest first, searched by email and filtered by status. */
export async function listInvitations(db: Database, actor: Actor, clock: Clock, input?: z.infer<typeof listInvitationsInput>) {
  const now = clock.now();
  const status = input?.status ?? 'open';
  const byStatus: Record<typeof status, Prisma.InvitationWhereInput> = {
    all: {},
    open: { acceptedAt: null, revokedAt: null },
    pending: { acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    expired: { acceptedAt: null, revokedAt: null, expiresAt: { lte: now } },
    accepted: { acceptedAt: { not: null } },
    revoked: { acceptedAt: null, revokedAt: { not: null } },
  };
  const rows = await db.prisma.invitation.findMany({
    where: {
      organizationId: actor.organizationId,
      ...byStatus[status],
      // Prisma's contains is a LIKE: % and _ in the search are meant literally.
      ...(input?.search ? { email: { contains: likeLiteral(input.search), mode: 'insensitive' } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: INVITATION_LIST_LIMIT,
  });
  const teams = await db.prisma.team.findMany({ where: { organizationId: actor.organizationId }, select: { id: true, name: true } });
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    team: teams.find((t) => t.id === r.teamId)?.name ?? null,
    createdAt: r.createdAt,
    lastSentAt: r.lastSentAt,
    sendCount: r.sendCount,
    expiresAt: r.expiresAt,
    acceptedAt: r.acceptedAt,
    revokedAt: r.revokedAt,
    status: invitationStatus(r, now),
    expired: r.expiresAt <= now,
  }));
}
