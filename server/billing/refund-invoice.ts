// Use case (platform finance): refund part or all of a tenant's paid invoice through the provider.
// The invoice must be this tenant's customer's: the provider checks it against the customer we
// pass (resolved from the tenant, never from the input) before any money moves, and refuses more
// than what remains refundable, in words.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { BillingProvider } from './billing-provider';
import { auditOncePerRequest, platformActionInput, platformOperationId, requireCustomer, requireProvider, tenantBillingAccount } from './platform-billing-action';

export const refundInvoiceInput = platformActionInput.extend({
  invoiceId: z.string().regex(/^in_[A-Za-z0-9]{1,250}$/, 'An invoice id looks like in_1AbC…'),
  amountMinor: z.number().int('The amount is a whole number of cents.').positive('Refund at least one cent.').max(100_000_000),
});

export async function refundInvoice(services: { db: Database; billingProvider: BillingProvider | null }, actorUserId: string, input: z.output<typeof refundInvoiceInput>) {
  const account = await tenantBillingAccount(services.db, input.organizationId);
  const provider = requireProvider(services.billingProvider, 'refund an invoice');
  const customerId = requireCustomer(account, 'refund an invoice');
  const before = await services.db.prisma.billingInvoice.findUnique({
    where: { organizationId_providerInvoiceId: { organizationId: input.organizationId, providerInvoiceId: input.invoiceId } },
    select: { status: true, amountPaid: true, currency: true },
  });
  const refund = await provider.refund({ customerId, invoiceId: input.invoiceId, amountMinor: input.amountMinor, reason: input.reason, operationId: platformOperationId('refund', input.requestId) });
  const { after } = await auditOncePerRequest(
    services.db,
    { organizationId: input.organizationId, requestId: input.requestId, actorUserId, reason: input.reason },
    {
      action: 'platform.invoice.refund',
      targetType: 'invoice',
      targetId: input.invoiceId,
      before: before ? { status: before.status, amountPaidMinor: Number(before.amountPaid), currency: before.currency } : null,
      after: { refundId: refund.refundId, amountMinor: refund.amountMinor, currency: refund.currency },
    },
  );
  return after;
}
