// Use case (platform staff): a monetary credit on the tenant's billing account — the provider's
// customer balance, used by the next invoices before the card is charged. Not to be confused with
// metering credit grants (server/metering/grant-credits.ts), which are prepaid units of a metric.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { BillingProvider } from './billing-provider';
import { auditOncePerRequest, platformActionInput, platformOperationId, requireCustomer, requireProvider, tenantBillingAccount } from './platform-billing-action';

/** A goodwill credit above this is a contract matter, not a support action. */
export const MAX_BILLING_CREDIT_MINOR = 1_000_000;

export const applyBillingCreditInput = platformActionInput.extend({
  amountMinor: z.number().int('The amount is a whole number of cents.').positive('Credit at least one cent.').max(MAX_BILLING_CREDIT_MINOR, 'A credit is at most $10,000.00.'),
  currency: z.literal('usd').default('usd'),
});

export async function applyBillingCredit(services: { db: Database; billingProvider: BillingProvider | null }, actorUserId: string, input: z.output<typeof applyBillingCreditInput>) {
  const account = await tenantBillingAccount(services.db, input.organizationId);
  const provider = requireProvider(services.billingProvider, 'apply a billing credit');
  const customerId = requireCustomer(account, 'apply a billing credit');
  const result = await provider.applyCredit({ customerId, amountMinor: input.amountMinor, currency: input.currency, reason: input.reason, operationId: platformOperationId('credit', input.requestId) });
  const { after } = await auditOncePerRequest(
    services.db,
    { organizationId: input.organizationId, requestId: input.requestId, actorUserId, reason: input.reason },
    {
      action: 'platform.billing_credit.apply',
      targetType: 'customer_balance_transaction',
      targetId: result.transactionId,
      after: { amountMinor: input.amountMinor, currency: input.currency, customerId, transactionId: result.transactionId, balanceMinor: result.balanceMinor },
    },
  );
  return after;
}
