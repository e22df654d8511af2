import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { GAUGE_METRICS, METRIC_KEYS, type MetricKey } from './metrics';
import { afterReservationBlocked } from '../alerts/usage-alert-hooks';

export const DEFAULT_RESERVATION_TTL_SECONDS = 300;

export const reserveUsageInput = z.object({
  metric: z.enum(METRIC_KEYS).refine((m) => !GAUGE_METRICS.includes(m), 'is a gauge (measured, not consumed): report it as an event instead of reserving it'),
  quantity: z.number().int().positive('Quantity must be a positive whole number.').max(1_000_000_000),
  user: z.uuid('user must be a user id').optional(),
  team: z.uuid('team must be a team id').optional(),
  ttlSeconds: z.number().int().min(5).max(24 * 3600).default(DEFAULT_RESERVATION_TTL_SECONDS),
});
export type ReserveUsageInput = z.input<typeof reserveUsageInput>;

export type BlockedScope = 'user' | 'team' | 'organization' | 'suspended' | 'past_due' | 'unpaid' | 'canceled' | 'organization_not_found';

export type ReserveUsageResult =
  | { status: 'reserved'; reservationId: string; expiresAt: Date; periodStart: Date; remaining: number | null; creditQuantity: number; overageQuantity: number }
  | { status: 'blocked'; scope: BlockedScope; limit: number | null; remaining: number | null; message: string }
  /** The user or team named is not in this organization: nothing was reserved. */
  | { status: 'invalid'; field: 'user' | 'team'; message: string };

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

interface Pending {
  input: z.output<typeof reserveUsageInput>;
  reservationId: string;
  expiresAt: Date;
  resolve(result: ReserveUsageResult): void;
  reject(error: unknown): void;
}

interface BatchRow {
  idx: number;
  status: string;
  blocked_scope: BlockedScope | null;
  scope_limit: string | null;
  scope_remaining: string | null;
  period_start: Date | null;
  credit_quantity: string;
  overage_quantity: string;
}

const MAX_BATCH = 200;

/**
 * Concurrent reservations for the same (organization, metric) share one database call: while one
 * call is in flight, new requests queue and go together in the next. The hot counter row is then
 * locked once per batch instead of once per request, and each item is still decided on its own,
 * in arrival order, by meterdesk_reserve_batch.
 */
class ReservationBatcher {
  private queues = new Map<string, Pending[]>();
  private busy = new Set<string>();

  constructor(
    private db: Database,
    private clock: Clock,
  ) {}

  reserve(organizationId: string, input: z.output<typeof reserveUsageInput>): Promise<ReserveUsageResult> {
    const now = this.clock.now();
    return new Promise((resolve, reject) => {
      const key = `${organizationId}|${input.metric}`;
      const queue = this.queues.get(key) ?? [];
      queue.push({ input, reservationId: randomUUID(), expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000), resolve, reject });
      this.queues.set(key, queue);
      if (!this.busy.has(key)) void this.drain(key, organizationId, input.metric);
    });
  }

  private async drain(key: string, organizationId: string, metric: MetricKey) {
    this.busy.add(key);
    try {
      for (;;) {
        const queue = this.queues.get(key);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, MAX_BATCH);
        try {
          const rows = await this.db.query<BatchRow>('select * from meterdesk_reserve_batch($1, $2, $3, $4, $5, $6, $7, $8)', [
            organizationId,
            metric,
            batch.map((p) => p.input.quantity),
            batch.map((p) => p.input.user ?? null),
            batch.map((p) => p.input.team ?? null),
            batch.map((p) => p.reservationId),
            batch.map((p) => p.expiresAt.toISOString()),
            this.clock.now(),
          ]);
          for (const row of rows) {
            const pending = batch[row.idx - 1]!;
            pending.resolve(toResult(row, pending));
            // A limit refused it: a usage.limit_blocked alert (once per scope, metric and day).
            const scope = row.status === 'blocked' ? row.blocked_scope : null;
            if (scope === 'user' || scope === 'team' || scope === 'organization') {
              const scopeId = scope === 'user' ? pending.input.user : scope === 'team' ? pending.input.team : organizationId;
              if (scopeId) afterReservationBlocked(this.db, organizationId, metric, scope, scopeId, num(row.scope_limit));
            }
          }
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.busy.delete(key);
      this.queues.delete(key);
    }
  }
}

function toResult(row: BatchRow, pending: Pending): ReserveUsageResult {
  if (row.status === 'invalid_user') return { status: 'invalid', field: 'user', message: INVALID_USER };
  if (row.status === 'invalid_team') return { status: 'invalid', field: 'team', message: INVALID_TEAM };
  if (row.status === 'reserved') {
    return {
      status: 'reserved',
      reservationId: pending.reservationId,
      expiresAt: pending.expiresAt,
      periodStart: new Date(row.period_start!),
      remaining: num(row.scope_remaining),
      creditQuantity: Number(row.credit_quantity),
      overageQuantity: Number(row.overage_quantity),
    };
  }
  const scope = row.blocked_scope!;
  const limit = num(row.scope_limit);
  const remaining = num(row.scope_remaining);
  return { status: 'blocked', scope, limit, remaining, message: blockedMessage(scope, pending.input.metric, limit, remaining) };
}

export const INVALID_USER = 'This user is not a member of this organization; send the id of one of its members.';
export const INVALID_TEAM = 'This team does not exist in this organization; send the id of one of its teams.';

const batchers = new WeakMap<Database, ReservationBatcher>();

/**
 * Holds quantity of a metric against the whole chain — per-user limit → team budget → organization
 * quota (or override) → prepaid credits → overage policy — in one database round trip. The user and
 * team must belong to the organization. A refusal changes nothing; nothing can overshoot a hard cap, whatever the number of processes.
 */
export function reserveUsage(db: Database, organizationId: string, input: z.output<typeof reserveUsageInput>, clock: Clock): Promise<ReserveUsageResult> {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new ReservationBatcher(db, clock)));
  return batcher.reserve(organizationId, input);
}

export function blockedMessage(scope: BlockedScope, metric: MetricKey, limit: number | null, remaining: number | null): string {
  switch (scope) {
    case 'user':
      return `This person's monthly limit for ${metric} (${limit}) would be exceeded; ${remaining} left.`;
    case 'team':
      return `The team's monthly budget for ${metric} (${limit}) would be exceeded; ${remaining} left.`;
    case 'organization':
      return `The organization's monthly quota for ${metric} (${limit}) and its credits would be exceeded; ${remaining} left. Upgrade the plan or buy credits to continue.`;
    case 'suspended':
      return 'This organization is suspended: it is read-only until the platform team lifts the suspension.';
    case 'past_due':
      return 'Payment is past due: sending is paused until the invoice is paid.';
    case 'unpaid':
      return 'The subscription is unpaid: update the payment method in Billing to send again.';
    case 'canceled':
      return 'The subscription is canceled: history stays readable, but nothing can be sent.';
    case 'organization_not_found':
      return 'The organization does not exist.';
  }
}
