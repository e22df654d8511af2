// What every platform staff action on a tenant's billing shares: the input every such action
// carries (the tenant, a reason, the client's request id), the tenant's billing account as the
// mirror knows it, the provider or a clear refusal, and an audit entry written once per request.
//
// Idempotency: the client sends a request id (a UUID made once per form submission). Provider
// operations derive their idempotency key from it, so a double submission moves money once; the
// audit entry carries it too, and is written under a transaction-scoped advisory lock on it after
// checking that no entry for that request exists yet, so a double submission is audited once.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { recordAuditEvent, type AuditEntry } from '../audit/record-audit-event';
import type { Database } from '../db/open-database';
import type { Prisma } from '../db/generated/client';
import { AppError } from '../errors';
import { plainText } from '../validation/text';
import type { BillingProvider } from './billing-provider';

export const platformActionInput = z.object({
  organizationId: z.uuid(),
  reason: plainText({ multiline: true }).trim().min(3, 'Say why (3 to 500 characters): it is kept in the tenant’s audit trail.').max(500, 'Keep the reason under 500 characters.'),
  /** Made once per submission by the client: a repeated submission is the same operation. */
  requestId: z.uuid('The request id must be a UUID made once per submission.'),
});

export interface TenantBillingAccount {
  organizationId: string;
  organizationName: string;
  /** The provider's customer id (billing_customers, else the subscription's), null without one. */
  customerId: string | null;
  subscription: {
    planKey: string;
    status: string;
    providerStatus: string | null;
    providerSubscriptionId: string | null;
    billingInterval: string | null;
    trialEndsAt: Date | null;
    seatQuantity: number;
  } | null;
}

/** A live subscription at the provider: changes to it go through the provider, not the local row. */
export const LIVE_PROVIDER_STATUSES = new Set(['trialing', 'active', 'past_due', 'unpaid', 'incomplete', 'paused']);

export function liveProviderSubscriptionId(account: TenantBillingAccount): string | null {
  const s = account.subscription;
  return s?.providerSubscriptionId && LIVE_PROVIDER_STATUSES.has(s.providerStatus ?? '') ? s.providerSubscriptionId : null;
}

export async function tenantBillingAccount(db: Database, organizationId: string): Promise<TenantBillingAccount> {
  const org = await db.prisma.organization.findUnique({ where: { id: organizationId }, select: { id: true, name: true } });
  if (!org) throw new AppError('NOT_FOUND', 'That organization does not exist.', { field: 'organizationId' });
  const [customer, subscription] = await Promise.all([
    db.prisma.billingCustomer.findUnique({ where: { organizationId }, select: { providerCustomerId: true, deletedAt: true } }),
    db.prisma.subscription.findUnique({ where: { organizationId } }),
  ]);
  return {
    organizationId,
    organizationName: org.name,
    customerId: (customer && !customer.deletedAt ? customer.providerCustomerId : null) ?? subscription?.providerCustomerId ?? null,
    subscription: subscription
      ? {
          planKey: subscription.planKey,
          status: subscription.status,
          providerStatus: subscription.providerStatus,
          providerSubscriptionId: subscription.providerSubscriptionId,
          billingInterval: subscription.billingInterval,
          trialEndsAt: subscription.trialEndsAt,
          seatQuantity: subscription.seatQuantity,
        }
      : null,
  };
}

export const STRIPE_NOT_CONFIGURED =
  'Stripe is not configured on this server (no secret key in Settings → Connections, or STRIPE_SECRET_KEY in server mode): no money can move. Set it up, then try again.';

export function requireProvider(provider: BillingProvider | null, what: string): BillingProvider {
  if (!provider) throw new AppError('PRECONDITION_FAILED', `Cannot ${what}: ${STRIPE_NOT_CONFIGURED}`);
  return provider;
}

export function requireCustomer(account: TenantBillingAccount, what: string): string {
  if (!account.customerId) {
    throw new AppError('PRECONDITION_FAILED', `Cannot ${what}: ${account.organizationName} has no Stripe customer (it never went through checkout, or it is billed outside Stripe).`);
  }
  return account.customerId;
}

/** The provider operation id for one platform request: stable across double submissions. */
export function platformOperationId(kind: string, requestId: string): string {
  return `platform-${kind}-${requestId}`;
}

type Tx = Prisma.TransactionClient;

/**
 * Runs `apply` and audits it once per request id, in one transaction. When this request was
 * already audited (a double submission, or a retry after a lost answer), `apply` is skipped and
 * the earlier audit entry's `after` is returned.
 */
export async function auditOncePerRequest<T extends Record<string, unknown>>(
  db: Database,
  request: { organizationId: string; requestId: string; actorUserId: string; reason: string },
  entry: Omit<AuditEntry, 'organizationId' | 'actorUserId' | 'reason' | 'after'> & { apply?: (tx: Tx) => Promise<void>; after: T },
): Promise<{ replayed: boolean; after: T }> {
  return db.prisma.$transaction(async (tx) => {
    const lockKey = createHash('sha256').update(`platform-request:${request.requestId}`).digest().readBigInt64BE(0);
    await tx.$queryRawUnsafe('select 1 from pg_advisory_xact_lock($1::bigint)', lockKey.toString());
    // Within the tenant's trail (its index leads with organization_id): request ids are UUIDs made per submission.
    const earlier = await tx.$queryRawUnsafe<Array<{ action: string; after: T }>>(
      `select action, after from audit_events where organization_id = $1::uuid and action like 'platform.%' and after->>'requestId' = $2 limit 1`,
      request.organizationId,
      request.requestId,
    );
    if (earlier[0]) {
      // The same request id for another action is a client bug, not a repeat.
      if (earlier[0].action !== entry.action) {
        throw new AppError('CONFLICT', 'This request id was already used for another action: make a new one for each submission.', { field: 'requestId' });
      }
      return { replayed: true, after: earlier[0].after };
    }
    await entry.apply?.(tx);
    const after = { ...entry.after, requestId: request.requestId };
    await recordAuditEvent(tx, {
      organizationId: request.organizationId,
      actorUserId: request.actorUserId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: entry.before,
      after,
      reason: request.reason,
    });
    return { replayed: false, after };
  });
}
