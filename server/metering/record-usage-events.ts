import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { textProblem } from '../validation/text';
import { GAUGE_METRICS, METRIC_KEYS } from './metrics';
import { idempotencyKeySchema, usageDetailsSchema } from './usage-details';
import { afterUsageRecorded } from '../alerts/usage-alert-hooks';

export const MAX_EVENTS_PER_BATCH = 1000;
/** How far from now an event may have happened: back like Stripe's meter events, ahead for clock skew. */
export const MAX_PAST_DAYS = 35;
export const MAX_FUTURE_MINUTES = 5;

export const usageEventSchema = usageDetailsSchema.extend({
  metric: z.enum(METRIC_KEYS),
  quantity: z.number().int().positive('quantity must be a positive whole number').max(1_000_000_000),
  idempotencyKey: idempotencyKeySchema,
  occurredAt: z.iso
    .datetime({ offset: true, message: 'occurredAt must be an ISO 8601 date-time such as 2026-11-20T14:03:00Z' })
    .describe(`When it happened (ISO 8601); at most ${MAX_PAST_DAYS} days ago and ${MAX_FUTURE_MINUTES} minutes ahead. Defaults to now.`)
    .optional(),
  user: z.uuid('user must be a user id').optional(),
  team: z.uuid('team must be a team id').optional(),
});
export type UsageEventInput = z.output<typeof usageEventSchema>;

export type EventResult =
  | { index: number; idempotencyKey?: string; status: 'accepted' | 'duplicate' }
  | { index: number; idempotencyKey?: string; status: 'rejected'; reason: string };

/** The key to echo back with a result: only one that is itself valid, so a hostile key is not repeated. */
function echoKey(item: unknown): string | undefined {
  const key = item !== null && typeof item === 'object' ? (item as { idempotencyKey?: unknown }).idempotencyKey : undefined;
  return typeof key === 'string' && key.length > 0 && key.length <= 200 && textProblem(key) === null ? key : undefined;
}

/**
 * Appends a batch of usage events for one organization. Each event is validated on its own — shape,
 * text, metadata bounds, occurredAt window, attribution inside the organization — and a bad one is
 * rejected with its reason while the others go in, with one statement that also moves the counters
 * once per (scope, metric, period) — organization, and the team and user they are attributed to; a
 * gauge (storage_mb) keeps its highest reading instead of a sum. An idempotency key seen before is
 * a duplicate and changes nothing. Events record what already happened, so they are not capped: to
 * enforce a hard cap, reserve before acting.
 */
export async function recordUsageEvents(db: Database, organizationId: string, raw: unknown[], clock: Clock): Promise<EventResult[]> {
  const now = clock.now();
  const earliest = now.getTime() - MAX_PAST_DAYS * 86_400_000;
  const latest = now.getTime() + MAX_FUTURE_MINUTES * 60_000;
  const results: EventResult[] = new Array(raw.length);
  const valid: { index: number; event: UsageEventInput; occurredAt: Date }[] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const parsed = usageEventSchema.safeParse(item);
    const key = echoKey(item);
    const reject = (reason: string) => (results[index] = { index, idempotencyKey: key, status: 'rejected', reason });
    if (!parsed.success) {
      reject(parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; '));
      return;
    }
    const occurredAt = parsed.data.occurredAt ? new Date(parsed.data.occurredAt) : now;
    if (Number.isNaN(occurredAt.getTime())) reject('occurredAt: is not a date that exists');
    else if (occurredAt.getTime() > latest) reject(`occurredAt: is more than ${MAX_FUTURE_MINUTES} minutes in the future; send the time it happened`);
    else if (occurredAt.getTime() < earliest) reject(`occurredAt: is more than ${MAX_PAST_DAYS} days ago; usage that old can no longer be recorded`);
    else if (seen.has(parsed.data.idempotencyKey)) results[index] = { index, idempotencyKey: key, status: 'duplicate' };
    else {
      seen.add(parsed.data.idempotencyKey);
      valid.push({ index, event: parsed.data, occurredAt });
    }
  });

  // Attribution must point inside this organization.
  const userIds = [...new Set(valid.map((v) => v.event.user).filter((u): u is string => !!u))];
  const teamIds = [...new Set(valid.map((v) => v.event.team).filter((t): t is string => !!t))];
  const knownUsers = new Set(
    userIds.length ? (await db.query<{ user_id: string }>('select user_id from memberships where organization_id = $1 and user_id = any($2::uuid[])', [organizationId, userIds])).map((r) => r.user_id) : [],
  );
  const knownTeams = new Set(
    teamIds.length ? (await db.query<{ id: string }>('select id from teams where organization_id = $1 and id = any($2::uuid[])', [organizationId, teamIds])).map((r) => r.id) : [],
  );
  const insertable = valid.filter(({ index, event }) => {
    const reason = event.user && !knownUsers.has(event.user) ? 'user: is not a member of this organization' : event.team && !knownTeams.has(event.team) ? 'team: does not exist in this organization' : null;
    if (reason) results[index] = { index, idempotencyKey: event.idempotencyKey, status: 'rejected', reason };
    return !reason;
  });

  if (insertable.length > 0) {
    const col = <T>(f: (e: UsageEventInput, occurredAt: Date) => T) => insertable.map((v) => f(v.event, v.occurredAt));
    const inserted = await db.query<{ idempotency_key: string }>(INSERT_EVENTS_SQL, [
      organizationId,
      col((e) => e.idempotencyKey),
      col((e) => e.metric),
      col((e) => e.quantity),
      col((_, occurredAt) => occurredAt.toISOString()),
      col((e) => e.user ?? null),
      col((e) => e.team ?? null),
      col((e) => e.resourceType ?? null),
      col((e) => e.resourceId ?? null),
      col((e) => (e.metadata ? JSON.stringify(e.metadata) : null)),
      col((e) => e.costMicros ?? null),
      col((e) => e.priceMicros ?? null),
      col((e) => e.currency ?? null),
      now,
      GAUGE_METRICS,
    ]);
    const accepted = new Set(inserted.map((r) => r.idempotency_key));
    for (const { index, event } of insertable) {
      results[index] = { index, idempotencyKey: event.idempotencyKey, status: accepted.has(event.idempotencyKey) ? 'accepted' : 'duplicate' };
    }
    // Usage alerts for the counters this batch moved: checked after the response, never failing it.
    afterUsageRecorded(
      db,
      organizationId,
      insertable.filter((v) => accepted.has(v.event.idempotencyKey)).map((v) => ({ metric: v.event.metric, teamId: v.event.team, userId: v.event.user })),
    );
  }
  return results;
}

// One statement, so events, counters and daily rollups move together or not at all. Counter rows are
// upserted in the order reservations and commits lock them — users, then teams, then the organization,
// each by id — so concurrent batches, reservations and commits cannot deadlock; then the rollups, in
// the same order (as meterdesk_settle does).
export const INSERT_EVENTS_SQL = `
with input as materialized (
  select t.*, gen_random_uuid() as id from unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::uuid[], $7::uuid[], $8::text[], $9::text[], $10::jsonb[], $11::bigint[], $12::bigint[], $13::text[])
    as t(idempotency_key, metric, quantity, occurred_at, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency)
),
keyed as (
  -- The ledger is partitioned by month, so idempotency lives in usage_event_keys (exact across
  -- months): only the keys inserted here become events.
  insert into usage_event_keys (organization_id, idempotency_key, occurred_at, event_id)
  select $1::uuid, idempotency_key, occurred_at, id from input
  on conflict (organization_id, idempotency_key) do nothing
  returning event_id
),
ins as (
  insert into usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source)
  select $1::uuid, i.id, metric, quantity, occurred_at, $14::timestamptz, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, 'api'
    from input i join keyed k on k.event_id = i.id
  returning idempotency_key, metric, quantity, occurred_at, user_id, team_id, cost_micros, price_micros
),
periods as (
  select ins.*, meterdesk_period_start((select billing_anchor from subscriptions where organization_id = $1::uuid), ins.occurred_at) as period_start,
         (ins.occurred_at at time zone 'UTC')::date as day from ins
),
fine as (
  -- Each event counts for the organization, and the team and user it is attributed to, per period
  -- (counters) and UTC day (rollups). Gauges (storage) keep their highest reading; the rest add up.
  select scope, scope_id, metric, period_start, day, case when metric = any($15::text[]) then max(quantity) else sum(quantity) end as quantity,
         sum(coalesce(cost_micros, 0)) as cost_micros, sum(coalesce(price_micros, 0)) as price_micros from (
    select 'organization'::"CounterScope" as scope, $1::uuid as scope_id, metric, period_start, day, quantity, cost_micros, price_micros from periods
    union all select 'team'::"CounterScope", team_id, metric, period_start, day, quantity, cost_micros, price_micros from periods where team_id is not null
    union all select 'user'::"CounterScope", user_id, metric, period_start, day, quantity, cost_micros, price_micros from periods where user_id is not null
  ) d group by scope, scope_id, metric, period_start, day
),
deltas as (
  select scope, scope_id, metric, period_start, case when metric = any($15::text[]) then max(quantity) else sum(quantity) end as quantity
    from fine group by scope, scope_id, metric, period_start
),
counted as (
  insert into usage_counters (organization_id, scope, scope_id, metric, period_start, used, reserved, updated_at)
  select $1::uuid, scope, scope_id, metric, period_start, quantity, 0, $14::timestamptz from deltas
   order by case scope when 'user' then 0 when 'team' then 1 else 2 end, scope_id, metric, period_start
  on conflict (organization_id, scope, scope_id, metric, period_start)
  do update set used = case when excluded.metric = any($15::text[]) then greatest(usage_counters.used, excluded.used) else usage_counters.used + excluded.used end,
                updated_at = excluded.updated_at
  returning 1
),
day_deltas as (
  select scope, scope_id, metric, day, case when metric = any($15::text[]) then max(quantity) else sum(quantity) end as quantity,
         sum(cost_micros) as cost_micros, sum(price_micros) as price_micros
    from fine group by scope, scope_id, metric, day
),
rolled as (
  -- After the counters (cross join on their count), in key order: the lock order of meterdesk_settle too.
  insert into usage_daily_rollups as r (organization_id, scope, scope_id, metric, day, quantity, cost_micros, price_micros)
  select $1::uuid, scope, scope_id, metric, day, quantity, cost_micros, price_micros from day_deltas, (select count(*) from counted) c
   order by case scope when 'user' then 0 when 'team' then 1 else 2 end, scope_id, metric, day
  on conflict (organization_id, scope, scope_id, metric, day)
  do update set quantity = case when excluded.metric = any($15::text[]) then greatest(r.quantity, excluded.quantity) else r.quantity + excluded.quantity end,
                cost_micros = r.cost_micros + excluded.cost_micros,
                price_micros = r.price_micros + excluded.price_micros
  returning 1
)
select idempotency_key from ins`;
