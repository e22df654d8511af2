// Billing's outbound webhook events, emitted inside the transaction that applies a Stripe event to
// the mirror (server/billing/process-stripe-event.ts, mirror-billing-objects.ts), so each is
// emitted once per change whatever the number of deliveries or pollers of the Stripe event.
import type { Prisma } from '../db/generated/client';
import type { InvoiceSnapshot } from '../billing/stripe/read-stripe-objects';
import { enqueueWebhookEvent } from './enqueue-webhook-event';

type Tx = Pick<Prisma.TransactionClient, 'webhookEndpoint' | 'webhookEvent' | 'webhookDelivery'>;

interface SubscriptionState {
  planKey: string;
  status: string;
  providerStatus: string | null;
  cancelAtPeriodEnd: boolean;
  seatQuantity: number;
  providerSubscriptionId: string | null;
}

/** billing.subscription.updated: the mirrored subscription changed (plan, status, seats, cancellation). */
export async function emitSubscriptionUpdated(tx: Tx, organizationId: string, change: { before: SubscriptionState | null; after: SubscriptionState; stripeEventId: string; at: Date }) {
  await enqueueWebhookEvent(tx, organizationId, 'billing.subscription.updated', { subscription: change.after, previous: change.before, stripeEventId: change.stripeEventId }, change.at);
}

/** What an invoice event tells receivers: the mirrored invoice's public fields. */
type InvoiceState = Pick<InvoiceSnapshot, 'id' | 'number' | 'status' | 'currency' | 'amountDue' | 'amountPaid' | 'amountRemaining' | 'total' | 'hostedInvoiceUrl' | 'periodStart' | 'periodEnd' | 'readAt'>;

const INVOICE_EVENTS = { 'invoice.paid': 'billing.invoice.paid', 'invoice.payment_failed': 'billing.invoice.payment_failed' } as const;

/** billing.invoice.paid / billing.invoice.payment_failed for the Stripe events of those names; nothing for the others. */
export async function emitInvoiceEvent(tx: Tx, organizationId: string, stripeEvent: { id: string; type: string }, invoice: InvoiceState | null) {
  const type = INVOICE_EVENTS[stripeEvent.type as keyof typeof INVOICE_EVENTS];
  if (!type || !invoice) return;
  const { readAt, ...fields } = invoice;
  await enqueueWebhookEvent(
    tx,
    organizationId,
    type,
    {
      invoice: {
        id: fields.id,
        number: fields.number,
        status: fields.status,
        currency: fields.currency,
        amountDue: fields.amountDue,
        amountPaid: fields.amountPaid,
        amountRemaining: fields.amountRemaining,
        total: fields.total,
        hostedInvoiceUrl: fields.hostedInvoiceUrl,
        periodStart: fields.periodStart,
        periodEnd: fields.periodEnd,
      },
      stripeEventId: stripeEvent.id,
    },
    readAt,
  );
}
