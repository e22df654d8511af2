// Use case: the organization's billing customer, created once. Concurrent calls (a double-clicked
// checkout, two consoles) send Stripe the same idempotent request and so get the same customer;
// the first link wins the row and every caller reads it back.
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import type { BillingServices } from './billing-console-context';
import type { BillingProvider } from './billing-provider';

export async function ensureBillingCustomer(services: BillingServices, provider: BillingProvider, actor: Actor): Promise<string> {
  const { prisma } = services.db;
  const existing = await prisma.billingCustomer.findUnique({ where: { organizationId: actor.organizationId } });
  if (existing && !existing.deletedAt) return existing.providerCustomerId;
  if (existing?.deletedAt) {
    throw new AppError('PRECONDITION_FAILED', 'This organization’s billing customer was deleted in Stripe. Contact support to restore billing.');
  }
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { name: true, billingEmail: true, billingCountry: true, customerType: true } });
  const owner = org.billingEmail ? null : await prisma.user.findUnique({ where: { id: actor.userId }, select: { email: true } });
  const { customerId } = await provider.createCustomer({
    organizationId: actor.organizationId,
    name: org.name,
    email: org.billingEmail ?? owner?.email ?? null,
    billingCountry: org.billingCountry,
    isBusiness: org.customerType === 'business',
  });
  return prisma.$transaction(async (tx) => {
    const inserted = await tx.$executeRawUnsafe(
      `insert into billing_customers (organization_id, provider_customer_id, provider_state_at, updated_at)
       values ($1::uuid, $2, to_timestamp(0), now()) on conflict (organization_id) do nothing`,
      actor.organizationId,
      customerId,
    );
    if (inserted) {
      await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'billing.customer_created', targetType: 'billing_customer', targetId: customerId, after: { providerCustomerId: customerId } });
      return customerId;
    }
    // Someone linked one a moment ago (the same one, from the same idempotent request, or the
    // event processor adopting it): that one is the organization's.
    const row = await tx.billingCustomer.findUniqueOrThrow({ where: { organizationId: actor.organizationId }, select: { providerCustomerId: true } });
    return row.providerCustomerId;
  });
}
