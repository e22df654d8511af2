import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { METRIC_KEYS } from '../metering/metrics';
import { plainText } from '../validation/text';
import { usageReach } from './usage-reach';

export const listUsageEventsInput = z
  .object({
    metric: z.enum(METRIC_KEYS).optional(),
    teamId: z.uuid('teamId must be a team id').optional(),
    userId: z.uuid('userId must be a user id').optional(),
    resourceType: plainText().min(1).max(100).optional(),
    resourceId: plainText().min(1).max(200).optional(),
    /** Events that happened at or after `from` and before `to`. */
    from: z.date().optional(),
    to: z.date().optional(),
    /** Where the previous page ended (newest first). */
    cursor: z.object({ occurredAt: z.date(), id: z.uuid() }).optional(),
    limit: z.number().int().min(1).max(200).default(100),
  })
  .refine((v) => !v.from || !v.to || v.from < v.to, { message: 'from must be before to.', path: ['from'] });

/**
 * The ledger's events, newest first, one keyset page at a time (indexed: organization + time, +
 * team, + person, + metric), with their attribution (person and team names) and metadata. The only
 * usage read that touches usage_events. Owners and admins see every event; managers those of the
 * teams they manage or of those teams' people; everyone else their own. Filters naming a team or
 * person out of reach are refused, not silently emptied.
 */
export async function listUsageEvents(db: Database, actor: Actor, input: z.output<typeof listUsageEventsInput>) {
  const org = actor.organizationId;
  const reach = await usageReach(db, actor);
  if (input.teamId) {
    const team = await db.prisma.team.findUnique({ where: { organizationId_id: { organizationId: org, id: input.teamId } }, select: { id: true } });
    if (!team) throw new AppError('NOT_FOUND', 'That team does not exist in this organization.');
    if (reach.level === 'own' || (reach.level === 'team' && !reach.teamIds.includes(team.id))) throw new AppError('FORBIDDEN', 'You can see the events of the teams you manage only.');
  }
  if (input.userId) {
    const member = await db.prisma.membership.findUnique({ where: { organizationId_userId: { organizationId: org, userId: input.userId } }, select: { id: true } });
    if (!member) throw new AppError('NOT_FOUND', 'That person is not a member of this organization.');
    if ((reach.level === 'own' && input.userId !== actor.userId) || (reach.level === 'team' && !reach.userIds.includes(input.userId))) {
      throw new AppError('FORBIDDEN', 'You can see the events of the people in the teams you manage only.');
    }
  }
  // Without a person or team filter, the reach itself filters.
  const own = reach.level === 'own' ? actor.userId : null;
  const reachTeams = reach.level === 'team' && !input.teamId && !input.userId ? reach.teamIds : null;
  const reachUsers = reach.level === 'team' && !input.teamId && !input.userId ? reach.userIds : null;
  const limit = input.limit;
  const rows = await db.query<{
    id: string;
    metric: string;
    quantity: string;
    occurred_at: Date;
    recorded_at: Date;
    idempotency_key: string;
    user_id: string | null;
    user_name: string | null;
    team_id: string | null;
    team_name: string | null;
    resource_type: string | null;
    resource_id: string | null;
    metadata: unknown;
    cost_micros: string | null;
    price_micros: string | null;
    currency: string | null;
    source: string;
    reservation_id: string | null;
  }>(
    `select e.id, e.metric, e.quantity, e.occurred_at, e.recorded_at, e.idempotency_key, e.user_id, coalesce(nullif(u.name, ''), u.email) as user_name,
            e.team_id, t.name as team_name, e.resource_type, e.resource_id, e.metadata, e.cost_micros, e.price_micros, e.currency, e.source, e.reservation_id
       from usage_events e
       left join users u on u.id = e.user_id
       left join teams t on t.organization_id = e.organization_id and t.id = e.team_id
      where e.organization_id = $1
        and ($2::text is null or e.metric = $2)
        and ($3::uuid is null or e.team_id = $3)
        and ($4::uuid is null or e.user_id = $4)
        and ($5::text is null or e.resource_type = $5)
        and ($6::text is null or e.resource_id = $6)
        and ($7::timestamptz is null or e.occurred_at >= $7)
        and ($8::timestamptz is null or e.occurred_at < $8)
        and ($9::timestamptz is null or (e.occurred_at, e.id) < ($9, $10::uuid))
        and ($11::uuid is null or e.user_id = $11)
        and ($12::uuid[] is null or e.team_id = any($12::uuid[]) or e.user_id = any($13::uuid[]))
      order by e.occurred_at desc, e.id desc
      limit ${limit + 1}`,
    [
      org,
      input.metric ?? null,
      input.teamId ?? null,
      input.userId ?? null,
      input.resourceType ?? null,
      input.resourceId ?? null,
      input.from ?? null,
      input.to ?? null,
      input.cursor?.occurredAt ?? null,
      input.cursor?.id ?? null,
      own,
      reachTeams,
      reachUsers,
    ],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page.map((r) => ({
      id: r.id,
      metric: r.metric,
      quantity: Number(r.quantity),
      occurredAt: new Date(r.occurred_at),
      recordedAt: new Date(r.recorded_at),
      idempotencyKey: r.idempotency_key,
      user: r.user_id ? { id: r.user_id, name: r.user_name ?? 'Former member' } : null,
      team: r.team_id ? { id: r.team_id, name: r.team_name ?? 'Deleted team' } : null,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      metadata: (r.metadata ?? null) as Record<string, unknown> | null,
      costMicros: r.cost_micros === null ? null : Number(r.cost_micros),
      priceMicros: r.price_micros === null ? null : Number(r.price_micros),
      currency: r.currency,
      source: r.source,
      reservationId: r.reservation_id,
    })),
    nextCursor: rows.length > limit && last ? { occurredAt: new Date(last.occurred_at), id: last.id } : null,
  };
}
