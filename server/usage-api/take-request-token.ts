import type { Database } from '../db/open-database';
import type { Clock } from '../clock';

export type RequestTokenResult = { ok: true } | { ok: false; reason: 'no_api_access' } | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

/**
 * Takes one request token from the organization's bucket, kept in PostgreSQL so every server shares
 * it. The bucket holds the plan's api_requests_per_minute and refills continuously. One round trip,
 * which also reads whether the plan includes API access at all.
 */
export async function takeRequestToken(db: Database, organizationId: string, clock: Clock): Promise<RequestTokenResult> {
  const [row] = await db.queryVolatile<{ api_access: boolean | null; cap: number | null; tokens: number | null; current_tokens: number | null; elapsed: number | null }>(
    `with cfg as (
       select coalesce(e_rate."limit", 60)::float8 as cap, coalesce(e_access.enabled, false) as api_access
         from organizations o
         left join subscriptions s on s.organization_id = o.id
         left join plan_entitlements e_rate on e_rate.plan_key = coalesce(s.plan_key, 'free') and e_rate.feature = 'api_requests_per_minute'
         left join plan_entitlements e_access on e_access.plan_key = coalesce(s.plan_key, 'free') and e_access.feature = 'api_access'
        where o.id = $1
     ),
     taken as (
       insert into rate_limit_buckets as rb (organization_id, tokens, updated_at)
       select $1, cap - 1, $2 from cfg where api_access
       on conflict (organization_id) do update
          set tokens = least((select cap from cfg), rb.tokens + extract(epoch from ($2::timestamptz - rb.updated_at)) * (select cap from cfg) / 60) - 1,
              updated_at = $2
        where least((select cap from cfg), rb.tokens + extract(epoch from ($2::timestamptz - rb.updated_at)) * (select cap from cfg) / 60) >= 1
       returning tokens
     )
     select (select api_access from cfg) as api_access, (select cap from cfg) as cap, (select tokens from taken) as tokens,
            rb.tokens as current_tokens, extract(epoch from ($2::timestamptz - rb.updated_at))::float8 as elapsed
       from (select 1) one left join rate_limit_buckets rb on rb.organization_id = $1`,
    [organizationId, clock.now()],
  );
  if (!row?.api_access) return { ok: false, reason: 'no_api_access' };
  if (row.tokens !== null) return { ok: true };
  const perSecond = Number(row.cap) / 60;
  const available = Math.min(Number(row.cap), Number(row.current_tokens ?? 0) + Number(row.elapsed ?? 0) * perSecond);
  return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.max(1, Math.ceil((1 - available) / perSecond)) };
}
