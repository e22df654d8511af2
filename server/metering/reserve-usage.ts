import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { METRIC_KEYS, type MetricKey } from './metrics';

export const DEFAULT_RESERVATION_TTL_SECONDS = 300;

export const reserveUsageInput = z.object({
  metric: z.enum(METRIC_KEYS),
  quantity: z.number().int().positive('Quantity must be a positive whole number.').max(1_000_000_000),
  user: z.uuid('user must be a user id').optional(),
  team: z.uuid('team must be a team id').optional(),
  ttlSeconds: z.number().int().min(5).max(24 * 3600).default(DEFAULT_RESERVATION_TTL_SECONDS),
});
export type ReserveUsageInput = z.input<typeof reserveUsageInput>;

export type BlockedScope = 'user' | 'team' | 'organization' | 'suspended' | 'past_due' | 'unpaid' | 'canceled' | 'organization_not_found';

export type ReserveUsageResult =
  | { status: 'reserved'; reservationId: string; expiresAt: Date; periodStart: Date; remaining: number | null; creditQuantity: number; overageQuantity: number }
  | { status: 'blocked'; scope: BlockedScope; limit: number | null; remaining: number | null; message: string };

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * Holds quantity of a metric against the whole chain — per-user limit → team budget → organization
 * quota (or override) → prepaid credits → overage policy — in one database round trip
 * (meterdesk_reserve). A refusal changes nothing; nothing can overshoot a hard cap.
 */
export async function reserveUsage(db: Database, organizationId: string, input: z.output<typeof reserveUsageInput>, clock: Clock): Promise<ReserveUsageResult> {
  const now = clock.now();
  const reservationId = randomUUID();
  const expiresAt = new Date(now.getTime() + input.ttlSeconds * 1000);
  const [row] = await db.query<{ status: string; blocked_scope: BlockedScope | null; scope_limit: string | null; scope_remaining: string | null; period_start: Date; credit_quantity: string; overage_quantity: string }>(
    'select * from meterdesk_reserve($1, $2, $3, $4, $5, $6, $7, $8)',
    [organizationId, input.metric, input.quantity, input.user ?? null, input.team ?? null, reservationId, expiresAt, now],
  );
  if (row!.status === 'reserved') {
    return {
      status: 'reserved',
      reservationId,
      expiresAt,
      periodStart: new Date(row!.period_start),
      remaining: num(row!.scope_remaining),
      creditQuantity: Number(row!.credit_quantity),
      overageQuantity: Number(row!.overage_quantity),
    };
  }
  const scope = row!.blocked_scope!;
  const limit = num(row!.scope_limit);
  const remaining = num(row!.scope_remaining);
  return { status: 'blocked', scope, limit, remaining, message: blockedMessage(scope, input.metric, limit, remaining) };
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
