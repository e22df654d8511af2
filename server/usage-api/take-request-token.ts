import type { Database } from '../db/open-database';
import type { Clock } from '../clock';

export type RequestTokenResult = { ok: true } | { ok: false; reason: 'no_api_access' } | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

/** Tokens a server takes from the shared bucket and spends locally; unspent ones lapse after this. */
const LEASE_MS = 1000;

/**
 * The organization's request rate: a token bucket kept in PostgreSQL (meterdesk_take_request_tokens)
 * and shared by every server. A busy organization's server takes a few tokens at a time — a
 * tenth of a second's worth, at most 20 — and spends them locally, so the bucket row is not written
 * on every request. Leased tokens were already taken from the shared bucket, so the organization's
 * rate across all servers never exceeds its plan; unspent ones lapse.
 */
export function createRequestTokenTaker(db: Database, clock: Clock) {
  const leases = new Map<string, { tokens: number; until: number; perSecond: number }>();
  return async function takeRequestToken(organizationId: string): Promise<RequestTokenResult> {
    const now = clock.now();
    const lease = leases.get(organizationId);
    if (lease && lease.tokens > 0 && lease.until > now.getTime()) {
      lease.tokens--;
      return { ok: true };
    }
    const want = lease ? Math.max(1, Math.min(20, Math.floor(lease.perSecond / 10))) : 1;
    const [row] = await db.queryVolatile<{ api_access: boolean; taken: number; retry_after_seconds: number | null; per_second: number | null }>(
      'select * from meterdesk_take_request_tokens($1, $2, $3)',
      [organizationId, now, want],
    );
    if (!row?.api_access) return { ok: false, reason: 'no_api_access' };
    const taken = Number(row.taken);
    if (leases.size > 10_000) leases.clear();
    leases.set(organizationId, { tokens: Math.max(0, taken - 1), until: now.getTime() + LEASE_MS, perSecond: Number(row.per_second) });
    if (taken > 0) return { ok: true };
    return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.max(1, Math.ceil(Number(row.retry_after_seconds ?? 1))) };
  };
}
