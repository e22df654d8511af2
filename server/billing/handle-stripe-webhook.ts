// A webhook delivery from Stripe, independent of the HTTP framework: the raw body and the
// Stripe-Signature header in, a status and a JSON answer out. The provider's handleEvent checks
// the signature (HMAC with the endpoint's signing secret, timestamp within 300 s, through the
// SDK's constructEvent) and parses the envelope before anything is read or written; then the one
// processor takes the event.
import { WebhookRejected, type BillingProvider } from './billing-provider';
import { processStripeEvent, type StripeEventContext } from './process-stripe-event';

export interface WebhookAnswer {
  status: 200 | 400 | 500 | 503;
  body: { received: boolean; status?: string; error?: { code: string; message: string } };
}

export async function handleStripeWebhook(ctx: StripeEventContext & { events: Pick<BillingProvider, 'handleEvent'> }, rawBody: Buffer | string, signature: string | undefined): Promise<WebhookAnswer> {
  let event;
  try {
    event = await ctx.events.handleEvent({ rawBody, signature });
  } catch (error) {
    if (!(error instanceof WebhookRejected)) throw error;
    // 503 without a secret: Stripe keeps retrying for three days, and the poller picks the events up meanwhile.
    return { status: error.code === 'webhooks_not_configured' ? 503 : 400, body: { received: false, error: { code: error.code, message: error.message } } };
  }
  const outcome = await processStripeEvent(ctx, event, 'webhook');
  // 500 makes Stripe deliver again; the failure is recorded and the poller retries it too.
  if (outcome.status === 'failed') return { status: 500, body: { received: true, status: 'failed', error: { code: 'processing_failed', message: 'The event was recorded and will be retried.' } } };
  return { status: 200, body: { received: true, status: outcome.status } };
}
