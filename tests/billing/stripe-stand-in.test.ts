// The stand-in answers like Stripe, so these tests prove the shapes of the app's requests.
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractObjectFields, extractParams } from '../stand-ins/stripe/spec/extract-params';
import { withStandIn, type StandInContext } from './stripe-helpers';

describe('Stripe stand-in', () => {
  let ctx: StandInContext;
  beforeAll(async () => {
    ctx = await withStandIn();
  });
  afterAll(() => ctx.close());

  const fail = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (error) {
      return error as Stripe.errors.StripeError;
    }
    throw new Error('expected the request to fail');
  };

  it('refuses unknown and missing parameters, bad enum values and integers, naming the param', async () => {
    let e = await fail(ctx.stripe.products.create({ name: 'x', colour: 'red' } as unknown as Stripe.ProductCreateParams));
    expect(e).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_unknown', param: 'colour', message: 'Received unknown parameter: colour' });
    e = await fail(ctx.stripe.prices.create({ currency: 'usd', unit_amount: 1, product_data: { name: 'p' }, recurring: { interval: 'month', aggregate_usage: 'sum' } } as unknown as Stripe.PriceCreateParams));
    expect(e).toMatchObject({ code: 'parameter_unknown', param: 'recurring[aggregate_usage]' }); // removed in 2025-03-31.basil
    e = await fail(ctx.stripe.products.create({} as Stripe.ProductCreateParams));
    expect(e).toMatchObject({ code: 'parameter_missing', param: 'name' });
    e = await fail(ctx.stripe.billing.meters.create({ display_name: 'x', event_name: 'x', default_aggregation: { formula: 'avg' as 'sum' } }));
    expect(e).toMatchObject({ param: 'default_aggregation[formula]', message: expect.stringMatching(/must be one of count, last, sum/) });
    e = await fail(ctx.stripe.products.list({ limit: 'ten' as unknown as number }));
    expect(e).toMatchObject({ code: 'parameter_invalid_integer', param: 'limit' });
  });

  it('answers 401 for a bad key and 404 for unknown objects and URLs', async () => {
    const bad = new Stripe('sk_test_wrongwrongwrong1234', { host: ctx.standIn.host, port: ctx.standIn.port, protocol: 'http', maxNetworkRetries: 0 });
    const e = await fail(bad.products.list());
    expect(e).toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
    expect(e.message).toContain('1234');
    expect(e.message).not.toContain('wrongwrongwrong');
    expect(await fail(ctx.stripe.products.retrieve('prod_nope'))).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id', message: "No such product: 'prod_nope'" });
    const raw = await fetch(`${ctx.standIn.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${ctx.standIn.secretKey}` } });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ error: { type: 'invalid_request_error', message: expect.stringMatching(/^Unrecognized request URL \(GET: \/v1\/nothing-here\)/) } });
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const a = await ctx.stripe.customers.create({ name: 'Replay' }, { idempotencyKey: 'key-1' });
    const b = await ctx.stripe.customers.create({ name: 'Replay' }, { idempotencyKey: 'key-1' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(ctx.standIn.store.all('customer').filter((c) => c.name === 'Replay')).toHaveLength(1);
    const e = await fail(ctx.stripe.customers.create({ name: 'Other' }, { idempotencyKey: 'key-1' }));
    expect(e).toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
  });

  it('paginates newest first with starting_after, ending_before and has_more, and expands', async () => {
    const product = await ctx.stripe.products.create({ name: 'Paged' });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.unshift((await ctx.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: i + 1 })).id);
    const first = await ctx.stripe.prices.list({ product: product.id, limit: 3 });
    expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/prices' });
    expect(first.data.map((p) => p.id)).toEqual(ids.slice(0, 3));
    const second = await ctx.stripe.prices.list({ product: product.id, limit: 3, starting_after: ids[2] });
    expect(second.data.map((p) => p.id)).toEqual(ids.slice(3, 6));
    const back = await ctx.stripe.prices.list({ product: product.id, limit: 2, ending_before: ids[3] });
    expect(back.data.map((p) => p.id)).toEqual(ids.slice(1, 3));
    const all: string[] = [];
    for await (const p of ctx.stripe.prices.list({ product: product.id, limit: 2 })) all.push(p.id);
    expect(all).toEqual(ids);
    const expanded = await ctx.stripe.prices.retrieve(ids[0]!, { expand: ['product'] });
    expect((expanded.product as Stripe.Product).name).toBe('Paged');
    expect(await fail(ctx.stripe.prices.list({ limit: 101 }))).toMatchObject({ param: 'limit' });
  });

  it('moves a lookup key only when asked to', async () => {
    const product = await ctx.stripe.products.create({ name: 'Keys' });
    const one = await ctx.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100, lookup_key: 'lk_demo' });
    expect(await fail(ctx.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 200, lookup_key: 'lk_demo' }))).toMatchObject({ param: 'lookup_key' });
    const two = await ctx.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 200, lookup_key: 'lk_demo', transfer_lookup_key: true });
    const found = await ctx.stripe.prices.list({ lookup_keys: ['lk_demo'] });
    expect(found.data.map((p) => p.id)).toEqual([two.id]);
    expect((await ctx.stripe.prices.retrieve(one.id)).lookup_key).toBeNull();
  });

  it('records events for state changes and lists them by type and time', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const customer = await ctx.stripe.customers.create({ name: 'Evented' });
    await ctx.stripe.customers.update(customer.id, { email: 'ops@example.com' });
    const events = await ctx.stripe.events.list({ types: ['customer.created', 'customer.updated'], created: { gte: since }, limit: 100 });
    const mine = events.data.filter((e) => (e.data.object as { id: string }).id === customer.id);
    expect(mine.map((e) => e.type)).toEqual(['customer.updated', 'customer.created']);
    expect(mine[0]).toMatchObject({ object: 'event', api_version: '2026-10-28.endive', livemode: false, data: { previous_attributes: { email: null } } });
    expect(mine[0]!.id).toMatch(/^evt_/);
  });

  it('signs webhook deliveries the SDK can verify', async () => {
    const received: Array<{ body: string; signature: string }> = [];
    const { createServer } = await import('node:http');
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['stripe-signature']) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const secret = 'whsec_test_standin';
    ctx.standIn.webhooks.configure({ url: `http://127.0.0.1:${(sink.address() as { port: number }).port}/webhooks/stripe`, secret });
    try {
      await ctx.stripe.customers.create({ name: 'Hooked' });
      await ctx.standIn.webhooks.settled();
      expect(received).toHaveLength(1);
      const event = ctx.stripe.webhooks.constructEvent(received[0]!.body, received[0]!.signature, secret);
      expect(event.type).toBe('customer.created');
      expect(() => ctx.stripe.webhooks.constructEvent(received[0]!.body, received[0]!.signature, 'whsec_other')).toThrow();
    } finally {
      ctx.standIn.webhooks.configure(undefined);
      await new Promise((r) => sink.close(r));
    }
  });

  it('returns objects with every field the pinned SDK declares, and no others', async () => {
    const declared = JSON.parse(readFileSync(new URL('../stand-ins/stripe/spec/objects.json', import.meta.url), 'utf8')) as Record<string, { required: string[]; optional: string[] }>;
    const customer = await ctx.stripe.customers.create({ name: 'Shapes' });
    const product = await ctx.stripe.products.create({ name: 'Shapes' });
    const price = await ctx.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500, recurring: { interval: 'month' } });
    const meter = await ctx.stripe.billing.meters.create({ display_name: 'Shapes', event_name: 'shapes_test', default_aggregation: { formula: 'sum' } });
    const portal = await ctx.stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } });
    const portalSession = await ctx.stripe.billingPortal.sessions.create({ customer: customer.id, configuration: portal.id });
    const meterEvent = await ctx.stripe.billing.meterEvents.create({ event_name: 'shapes_test', payload: { stripe_customer_id: customer.id, value: '1' } });
    const session = await ctx.stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: price.id, quantity: 1 }], success_url: 'https://example.com/ok' });
    ctx.standIn.completeCheckoutSession(session.id);
    const completed = await ctx.stripe.checkout.sessions.retrieve(session.id);
    const subscription = await ctx.stripe.subscriptions.retrieve(completed.subscription as string);
    const invoice = await ctx.stripe.invoices.retrieve(subscription.latest_invoice as string);
    const clock = await ctx.stripe.testHelpers.testClocks.create({ frozen_time: 1_800_000_000 });
    const objects: Array<[string, object]> = [
      ['customer', customer], ['product', product], ['price', price], ['billing.meter', meter], ['billing_portal.configuration', portal],
      ['billing_portal.session', portalSession], ['billing.meter_event', meterEvent], ['checkout.session', completed], ['subscription', subscription],
      ['subscription_item', subscription.items.data[0]!], ['invoice', invoice], ['test_helpers.test_clock', clock],
    ];
    for (const [type, object] of objects) {
      const fields = Object.keys(object).filter((k) => k !== 'lastResponse');
      const spec = declared[type]!;
      expect({ type, missing: spec.required.filter((f) => !fields.includes(f)) }).toEqual({ type, missing: [] });
      expect({ type, unknown: fields.filter((f) => !spec.required.includes(f) && !spec.optional.includes(f)) }).toEqual({ type, unknown: [] });
    }
    expect(subscription).toMatchObject({ status: 'active', billing_mode: { type: 'flexible' } });
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 500, parent: { subscription_details: { subscription: subscription.id } } });
  });

  it('its parameter and object shapes are those of the installed stripe package', () => {
    const params = JSON.parse(readFileSync(new URL('../stand-ins/stripe/spec/params.json', import.meta.url), 'utf8'));
    const objects = JSON.parse(readFileSync(new URL('../stand-ins/stripe/spec/objects.json', import.meta.url), 'utf8'));
    expect(params).toEqual(extractParams());
    expect(objects).toEqual(extractObjectFields());
  });
});
