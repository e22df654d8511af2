import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { findVisibleCampaign } from './campaign-access';
import { MESSAGE_STATUSES } from './campaign-rules';

export const listCampaignMessagesInput = z.object({
  campaignId: z.uuid('campaignId must be a campaign id'),
  status: z.enum(MESSAGE_STATUSES).optional(),
  /** Keyset paging: the last id of the previous page. */
  cursor: z.uuid().nullish(),
  limit: z.number().int().min(1).max(1000).default(200),
});

/** A page of a campaign's messages (the detail's virtualized list reads page after page). */
export async function listCampaignMessages(db: Database, actor: Actor, input: z.output<typeof listCampaignMessagesInput>) {
  const campaign = await findVisibleCampaign(db, actor, input.campaignId);
  const rows = await db.prisma.campaignMessage.findMany({
    where: { organizationId: actor.organizationId, campaignId: campaign.id, ...(input.status ? { status: input.status } : {}), ...(input.cursor ? { id: { gt: input.cursor } } : {}) },
    orderBy: { id: 'asc' },
    take: input.limit,
  });
  const contacts = await db.prisma.contact.findMany({
    where: { organizationId: actor.organizationId, id: { in: rows.map((r) => r.contactId).filter((id): id is string => !!id) } },
    select: { id: true, name: true },
  });
  const names = new Map(contacts.map((c) => [c.id, c.name]));
  const items = rows.map((r) => ({
    id: r.id,
    contactName: r.contactId ? (names.get(r.contactId) ?? null) : null,
    phone: r.phone,
    country: r.country,
    parts: r.parts,
    status: r.status,
    error: r.error,
    notBefore: r.notBefore,
    sendingAt: r.sendingAt,
    sentAt: r.sentAt,
    deliveredAt: r.deliveredAt,
    providerMessageId: r.providerMessageId,
    estimatedCostMicros: r.estimatedCostMicros === null ? null : Number(r.estimatedCostMicros),
    actualCostMicros: r.actualCostMicros === null ? null : Number(r.actualCostMicros),
    attempts: r.attempts,
    reviewedAt: r.reviewedAt,
  }));
  return { items, next: rows.length === input.limit ? rows[rows.length - 1]!.id : null };
}
