// POST /webhooks/stripe in server mode: the raw body (the signature covers its exact bytes), up
// to 1 MB, handed to handleStripeWebhook. Registered in its own encapsulated context so that its
// body parser applies to this route only.
import type { FastifyInstance } from 'fastify';
import type { MeterdeskApp } from '../app';
import { handleStripeWebhook } from '../billing/handle-stripe-webhook';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export function registerStripeWebhook(server: FastifyInstance, app: MeterdeskApp) {
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
  server.post(STRIPE_WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req, reply) => {
    const source = app.stripeEvents;
    const signature = req.headers['stripe-signature'];
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const answer = source
      ? await handleStripeWebhook({ db: app.services.db, clock: app.services.clock, stripe: source.stripe, events: source.events }, body, Array.isArray(signature) ? signature[0] : signature)
      : { status: 503 as const, body: { received: false, error: { code: 'stripe_not_configured', message: 'This server has no Stripe secret key: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.' } } };
    return reply.code(answer.status).send(answer.body);
  });
}
