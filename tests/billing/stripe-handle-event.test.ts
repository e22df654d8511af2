// StripeProvider.handleEvent: a raw webhook delivery is verified with the endpoint's signing
// secret by the SDK's own constructEvent (tolerance 300 s) and parsed into the event the
// processor takes; anything else is refused with a code saying what was wrong. Offline: signing
// with the SDK's generateTestHeaderString, as Stripe signs.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { WebhookRejected } from '../../server/billing/billing-provider';
import { StripeProvider, WEBHOOK_TOLERANCE_SECONDS } from '../../server/billing/stripe/stripe-provider';
import { loadStripeSdk } from '../../server/billing/stripe/stripe-sdk';

await loadStripeSdk();

const secret = 'whsec_test_handle_event_0123456789abcdef';
const provider = new StripeProvider({ secretKey: 'sk_test_handleEventOnly0000', apiBase: 'http://127.0.0.1:9', maxNetworkRetries: 0, webhookSecret: secret });
const signer = new Stripe('sk_test_signer_only');
const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
  signer.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? secret, ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}) });

const event = {
  id: 'evt_1TestHandleEvent',
  object: 'event',
  api_version: '2026-10-28.endive',
  type: 'customer.subscription.updated',
  created: 1_790_000_000,
  livemode: false,
  data: { object: { id: 'sub_123', object: 'subscription', status: 'active', metadata: { meterdesk_plan: 'starter' } }, previous_attributes: { status: 'trialing' } },
};
const payload = JSON.stringify(event);

async function rejection(rawBody: string | Buffer, signature: string | undefined): Promise<WebhookRejected> {
  const error = await provider.handleEvent({ rawBody, signature }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookRejected);
  expect((error as WebhookRejected).message).toBeTruthy();
  return error as WebhookRejected;
}

describe('StripeProvider.handleEvent', () => {
  it('verifies a validly signed delivery and parses it into the processor event', async () => {
    const parsed = await provider.handleEvent({ rawBody: payload, signature: sign(payload) });
    expect(parsed).toMatchObject({ id: event.id, object: 'event', type: event.type, created: event.created, data: { object: { id: 'sub_123', object: 'subscription' }, previous_attributes: { status: 'trialing' } } });
    // The same bytes as a Buffer, as the HTTP route hands them over.
    expect((await provider.handleEvent({ rawBody: Buffer.from(payload), signature: sign(payload) })).id).toBe(event.id);
  });

  it('accepts a timestamp inside the tolerance and refuses a stale one as a possible replay', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(WEBHOOK_TOLERANCE_SECONDS).toBe(300);
    expect((await provider.handleEvent({ rawBody: payload, signature: sign(payload, { timestamp: now - 250 }) })).id).toBe(event.id);
    expect((await rejection(payload, sign(payload, { timestamp: now - 400 }))).code).toBe('signature_expired');
    // Each retry of Stripe's is signed afresh, so an old delivery of any kind is stale here.
    expect((await rejection(payload, sign(payload, { timestamp: now - 3 * 24 * 3600 }))).code).toBe('signature_expired');
  });

  it('refuses a tampered body, a wrong secret, a garbage or missing signature', async () => {
    const tampered = payload.replace('"starter"', '"enterprise"');
    expect((await rejection(tampered, sign(payload))).code).toBe('signature_invalid');
    // One byte of whitespace is tampering too: the HMAC covers the exact bytes.
    expect((await rejection(`${payload} `, sign(payload))).code).toBe('signature_invalid');
    expect((await rejection(payload, sign(payload, { secret: 'whsec_someone_else_entirely' }))).code).toBe('signature_invalid');
    expect((await rejection(payload, 't=1,v1=deadbeef')).code).toBe('signature_invalid');
    expect((await rejection(payload, 'not a header at all')).code).toBe('signature_invalid');
    expect((await rejection(payload, undefined)).code).toBe('signature_missing');
    expect((await rejection(payload, '')).code).toBe('signature_missing');
  });

  it('refuses signed bodies that are not JSON Stripe events, saying what is wrong', async () => {
    const notJson = '{"id": "evt_1", ';
    expect((await rejection(notJson, sign(notJson))).code).toBe('malformed_event');
    const charge = JSON.stringify({ id: 'evt_1', object: 'charge' });
    const refused = await rejection(charge, sign(charge));
    expect(refused.code).toBe('malformed_event');
    expect(refused.message).toMatch(/not a Stripe event: object/);
    const badId = JSON.stringify({ ...event, id: 'evt_\u0000injected' });
    expect((await rejection(badId, sign(badId))).code).toBe('malformed_event');
    const deep = JSON.stringify({ ...event, type: 'x'.repeat(500) });
    expect((await rejection(deep, sign(deep))).code).toBe('malformed_event');
  });

  it('refuses every delivery while no signing secret is configured', async () => {
    const unconfigured = new StripeProvider({ secretKey: 'sk_test_handleEventOnly0000', apiBase: 'http://127.0.0.1:9', maxNetworkRetries: 0 });
    const error = await unconfigured.handleEvent({ rawBody: payload, signature: sign(payload) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'webhooks_not_configured', message: expect.stringMatching(/STRIPE_WEBHOOK_SECRET/) });
  });
});
