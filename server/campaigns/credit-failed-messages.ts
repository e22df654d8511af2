// Unknown messages a reviewer marks as failed: the parts metered when they became unknown go back.
// One transaction: the rows move unknown → failed (a conditional UPDATE, so of two reviewers or a
// double click only one changes each row), each changed row gets one correction event — the
// negative of its usage event, same metric, attribution, period and day, key
// campaign_message_failed:<id> (never twice) — and the counters (user → team → organization, the
// order reservations lock them) and daily rollups move back by what the corrections say.
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';

interface Correction {
  quantity: string;
  metric: string;
  user_id: string | null;
  team_id: string | null;
  occurred_at: Date;
  cost_micros: string | null;
  price_micros: string | null;
}

export async function failUnknownMessages(db: Database, actor: Actor, campaignId: string, ids: string[], now: Date): Promise<{ ids: string[]; creditedParts: number }> {
  const org = actor.organizationId;
  return db.prisma.$transaction(
    async (tx) => {
      const q = <T>(sql: string, ...params: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...params);
      const failed = await q<{ id: string }>(
        `update campaign_messages set status = 'failed', error = 'Marked as failed on review', reviewed_by_id = $4::uuid, reviewed_at = $5::timestamptz, updated_at = $5::timestamptz
          where organization_id = $1::uuid and campaign_id = $2::uuid and id = any($3::uuid[]) and status = 'unknown' returning id`,
        org,
        campaignId,
        ids,
        actor.userId,
        now,
      );
      if (failed.length === 0) return { ids: [], creditedParts: 0 };
      // The original event is found through its key (usage_event_keys points at its primary key, so
      // one partition is read); the correction takes its own key first, in the same statement.
      const corrections = await q<Correction>(
        `with original as materialized (
           select e.*, f.id as message_id, gen_random_uuid() as correction_id
             from unnest($2::uuid[]) f(id)
             join usage_event_keys k on k.organization_id = $1::uuid and k.idempotency_key = 'campaign_message:' || f.id::text
             join usage_events e on e.organization_id = k.organization_id and e.occurred_at = k.occurred_at and e.id = k.event_id
            where e.quantity > 0
         ), keyed as (
           insert into usage_event_keys (organization_id, idempotency_key, occurred_at, event_id)
           select organization_id, 'campaign_message_failed:' || message_id::text, occurred_at, correction_id from original
           on conflict (organization_id, idempotency_key) do nothing
           returning event_id
         )
         insert into usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source, reservation_id)
         select e.organization_id, e.correction_id, e.metric, -e.quantity, e.occurred_at, $3::timestamptz, 'campaign_message_failed:' || e.message_id::text, e.user_id, e.team_id, e.resource_type, e.resource_id,
                jsonb_build_object('message', e.message_id, 'correctionOf', e.id, 'reason', 'marked as failed on review', 'reviewedBy', $4::text), -e.cost_micros, -e.price_micros, e.currency, 'review', e.reservation_id
           from original e join keyed k on k.event_id = e.correction_id
         returning quantity, metric, user_id, team_id, occurred_at, cost_micros, price_micros`,
        org,
        failed.map((f) => f.id),
        now,
        actor.userId,
      );
      // One counter move per (metric, attribution, moment): messages that became unknown together share it.
      const groups = new Map<string, Correction>();
      for (const c of corrections) {
        const key = [c.metric, c.user_id, c.team_id, new Date(c.occurred_at).toISOString()].join('|');
        const g = groups.get(key);
        if (!g) groups.set(key, { ...c });
        else {
          g.quantity = String(BigInt(g.quantity) + BigInt(c.quantity));
          g.cost_micros = String(BigInt(g.cost_micros ?? 0) + BigInt(c.cost_micros ?? 0));
          g.price_micros = String(BigInt(g.price_micros ?? 0) + BigInt(c.price_micros ?? 0));
        }
      }
      let credited = 0;
      for (const c of groups.values()) {
        const n = -Number(c.quantity);
        credited += n;
        const [period] = await q<{ p: Date }>(
          'select meterdesk_period_start(s.billing_anchor, $2::timestamptz) as p from organizations o left join subscriptions s on s.organization_id = o.id where o.id = $1::uuid',
          org,
          c.occurred_at,
        );
        const scopes: ['user' | 'team' | 'organization', string | null][] = [
          ['user', c.user_id],
          ['team', c.team_id],
          ['organization', org],
        ];
        for (const [scope, scopeId] of scopes) {
          if (!scopeId) continue;
          await tx.$executeRawUnsafe(
            `update usage_counters set used = used - $6::bigint, updated_at = $7::timestamptz
              where organization_id = $1::uuid and scope = $2::"CounterScope" and scope_id = $3::uuid and metric = $4 and period_start = $5::timestamptz`,
            org,
            scope,
            scopeId,
            c.metric,
            period!.p,
            n,
            now,
          );
          await tx.$executeRawUnsafe(
            `update usage_daily_rollups set quantity = quantity - $6::bigint, cost_micros = cost_micros + $7::bigint, price_micros = price_micros + $8::bigint
              where organization_id = $1::uuid and scope = $2::"CounterScope" and scope_id = $3::uuid and metric = $4 and day = ($5::timestamptz at time zone 'UTC')::date`,
            org,
            scope,
            scopeId,
            c.metric,
            c.occurred_at,
            n,
            c.cost_micros ?? '0',
            c.price_micros ?? '0',
          );
        }
      }
      return { ids: failed.map((f) => f.id), creditedParts: credited };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}
