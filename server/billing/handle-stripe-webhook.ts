// A webhook delivery from Stripe, independent of the HTTP framework: the raw body and the
// Stripe-Signature header in, a status and a JSON answer out. The signature (HMAC with the
// endpoint's signing secret) and its timestamp (300 s tolerance) are checked by the SDK's own
// constructEvent before anything is read or written; then the one processor takes the event.
import Stripe from 'stripe';
import { processStripeEvent, stripeEventSchema, type StripeEventContext } from './process-stripe-event';

export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface WebhookAnswer {
  status: 200 | 400 | 500 | 503;
  body: { received: boolean; status?: string; error?: { code: string; message: string } };
}

export async function handleStripeWebhook(ctx: StripeEventContext & { webhookSecret: string | null }, rawBody: Buffer | string, signature: string | undefined): Promise<WebhookAnswer> {
  if (!ctx.webhookSecret) {
    // 503: Stripe keeps retrying for three days, and the poller picks the events up meanwhile.
    return refuse(503, 'webhooks_not_configured', 'This server has no Stripe webhook signing secret: set STRIPE_WEBHOOK_SECRET.');
  }
  if (!signature) return refuse(400, 'signature_missing', 'The Stripe-Signature header is missing.');
  let verified: unknown;
  try {
    verified = ctx.stripe.webhooks.constructEvent(rawBody, signature, ctx.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      const stale = /timestamp outside the tolerance zone/i.test(error.message);
      return stale
        ? refuse(400, 'signature_expired', `The signature's timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s away from now: refused as a possible replay.`)
        : refuse(400, 'signature_invalid', 'The Stripe-Signature header does not match the body and this endpoint\'s signing secret.');
    }
    // A correctly signed body that is not JSON.
    return refuse(400, 'malformed_event', 'The body is not a JSON Stripe event.');
  }
  const parsed = stripeEventSchema.safeParse(verified);
  if (!parsed.success) return refuse(400, 'malformed_event', `The body is not a Stripe event: ${parsed.error.issues[0]?.path.join('.') || 'event'} ${parsed.error.issues[0]?.message ?? ''}`.trim());
  const outcome = await processStripeEvent(ctx, parsed.data, 'webhook');
  // 500 makes Stripe deliver again; the failure is recorded and the poller retries it too.
  if (outcome.status === 'failed') return { status: 500, body: { received: true, status: 'failed', error: { code: 'processing_failed', message: 'The event was recorded and will be retried.' } } };
  return { status: 200, body: { received: true, status: outcome.status } };
}

function refuse(status: 400 | 503, code: string, message: string): WebhookAnswer {
  return { status, body: { received: false, error: { code, message } } };
}
