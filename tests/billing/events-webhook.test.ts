// POST /webhooks/stripe: signed deliveries from the stand-in are applied once; anything not signed
// by the endpoint's secret, stale, tampered with, malformed or too large is refused with nothing
// written; an event for another organization's customer cannot touch this one; a failure is
// recorded and retried.
import http from 'node:http';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { setLogSink } from '../../server/logging/log-error';
import { databaseTargets } from '../helpers/databases';
import { databaseFingerprint } from '../helpers/tenants';
import { startEventsFixture, type EventsFixture } from './events-helpers';

interface Answer {
  status: number;
  body: { received?: boolean; status?: string; error?: { code: string; message: string } };
}

/** A raw POST, so the Host header and the exact body bytes are ours to choose. */
function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Answer['body'] = {};
        try {
          parsed = JSON.parse(text) as Answer['body'];
        } catch {
          parsed = { error: { code: 'not_json', message: text } };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(databaseTargets)('POST /webhooks/stripe on $name', (target) => {
  let f: EventsFixture;
  afterEach(() => f?.close());

  it('applies signed deliveries of a completed checkout, under any Host, once each', async () => {
    f = await startEventsFixture(target);
    const org = await f.organization('hook-co');
    const hook = await f.serve();
    const { subscriptionId } = await f.subscribe(org, 'pro', { trialDays: 14 });
    await f.s.standIn.webhooks.settled();
    const deliveries = f.s.standIn.webhooks.deliveries;
    expect(deliveries.length).toBeGreaterThan(5);
    expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
    const m = await f.mirror(org);
    expect(m.subscription).toMatchObject({ planKey: 'pro', status: 'trialing', providerSubscriptionId: subscriptionId, trialEndsAt: expect.any(Date) });
    expect(m.customer).toMatchObject({ defaultPmLast4: '4242' });

    // Stripe reaches a published server by its public name: the route answers under any Host,
    // on its exact path only; the console's other paths keep their Host check.
    const url = new URL(hook);
    const event = f.events().at(-1)!;
    const payload = JSON.stringify(event);
    const signature = f.signer.webhooks.generateTestHeaderString({ payload, secret: f.webhookSecret });
    const again = await post(url.toString(), payload, { host: 'billing.example.com', 'stripe-signature': signature });
    expect(again).toEqual({ status: 200, body: { received: true, status: 'duplicate' } });
    expect((await post(`${url.origin}/webhooks/other`, payload, { host: 'billing.example.com', 'stripe-signature': signature })).status).toBe(403);
    expect((await post(`${url.origin}/webhooks/stripe/`, payload, { host: 'billing.example.com', 'stripe-signature': signature })).status).toBe(403);
    const rows = await f.prisma.billingEvent.findMany();
    expect(rows.map((r) => r.eventId).sort()).toEqual(deliveries.map((d) => d.eventId).sort());
    expect(rows.every((r) => r.attempts === 1 && r.source === 'webhook')).toBe(true);
  });

  it('refuses bad signatures, stale timestamps, tampered, malformed and huge bodies, writing nothing', async () => {
    f = await startEventsFixture(target);
    const org = await f.organization('refuse-co');
    await f.subscribe(org, 'starter'); // events exist at the stand-in; none delivered
    const url = await f.serve();
    f.s.standIn.webhooks.configure(undefined);
    const event = f.events().find((e) => e.type === 'customer.subscription.created')!;
    const payload = JSON.stringify(event);
    const sign = (body: string, options: { secret?: string; timestamp?: number } = {}) =>
      f.signer.webhooks.generateTestHeaderString({ payload: body, secret: options.secret ?? f.webhookSecret, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
    const before = await databaseFingerprint(f.t.app);

    const cases: Array<[string, Promise<Answer>, number, string]> = [
      ['wrong secret', post(url, payload, { 'stripe-signature': sign(payload, { secret: 'whsec_someoneelse' }) }), 400, 'signature_invalid'],
      ['no signature', post(url, payload, {}), 400, 'signature_missing'],
      ['garbage signature', post(url, payload, { 'stripe-signature': 't=1,v1=deadbeef' }), 400, 'signature_invalid'],
      ['stale timestamp', post(url, payload, { 'stripe-signature': sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 400 }) }), 400, 'signature_expired'],
      ['tampered body', post(url, payload.replace('"starter"', '"pro"').replace(event.id, `${event.id}x`), { 'stripe-signature': sign(payload) }), 400, 'signature_invalid'],
      ['malformed JSON, signed', post(url, '{"id": "evt_1", ', { 'stripe-signature': sign('{"id": "evt_1", ') }), 400, 'malformed_event'],
      ['not an event, signed', post(url, '{"id":"evt_1","object":"charge"}', { 'stripe-signature': sign('{"id":"evt_1","object":"charge"}') }), 400, 'malformed_event'],
    ];
    for (const [what, answer, status, code] of cases) {
      const a = await answer;
      expect({ what, status: a.status, code: a.body.error?.code }).toEqual({ what, status, code });
      expect(a.body.error?.message).toBeTruthy();
    }
    const huge = JSON.stringify({ ...event, padding: 'x'.repeat(2 * 1024 * 1024) });
    const tooBig = await post(url, huge, { 'stripe-signature': sign(huge) });
    expect(tooBig.status).toBe(413);
    expect(await databaseFingerprint(f.t.app)).toEqual(before);

    // An unknown type: 200, recorded as ignored, nothing else written.
    const unknown = JSON.stringify({ ...event, id: 'evt_unknowntype1', type: 'radar.early_fraud_warning.created' });
    expect(await post(url, unknown, { 'stripe-signature': sign(unknown) })).toEqual({ status: 200, body: { received: true, status: 'ignored' } });
    const after = await databaseFingerprint(f.t.app);
    expect({ ...after, billing_events: '' }).toEqual({ ...before, billing_events: '' });
    expect(await f.prisma.billingEvent.findMany()).toEqual([expect.objectContaining({ eventId: 'evt_unknowntype1', status: 'ignored', attempts: 1, lastError: expect.stringMatching(/does not act on/) })]);
  });

  it("never lets an event for another organization's customer touch this one", async () => {
    f = await startEventsFixture(target);
    const a = await f.organization('victim-co');
    const b = await f.organization('attacker-co');
    await f.poll();
    await f.subscribe(a, 'starter');
    const { customerId: customerB } = await f.subscribe(b, 'starter');
    await f.poll();
    const victim = await f.mirror(a);
    expect(victim.subscription).toMatchObject({ planKey: 'starter', status: 'active' });

    // B's customer, a subscription claiming A in its metadata.
    const pro = (await f.s.stripe.prices.list({ lookup_keys: ['meterdesk_pro_monthly_v1'] })).data[0]!;
    await f.s.stripe.subscriptions.create({ customer: customerB, items: [{ price: pro.id }], metadata: { meterdesk_organization_id: a } });
    // A second customer claiming A, which already has one.
    const rogue = await f.s.stripe.customers.create({ name: 'Rogue', metadata: { meterdesk_organization_id: a } });
    await f.s.stripe.subscriptions.create({ customer: rogue.id, items: [{ price: pro.id }], metadata: { meterdesk_organization_id: a } });
    // A customer claiming an organization that does not exist here.
    const stray = await f.s.stripe.customers.create({ name: 'Stray', metadata: { meterdesk_organization_id: '01900000-0000-7000-8000-000000000000' } });
    await f.s.stripe.subscriptions.create({ customer: stray.id, items: [{ price: pro.id }] });

    const auditBefore = await f.prisma.auditEvent.count({ where: { organizationId: a } });
    const report = await f.poll();
    expect(report.outcomes.filter((o) => o.status === 'failed')).toEqual([]);
    const refused = report.outcomes.filter((o) => o.status === 'ignored' && o.type === 'customer.subscription.created');
    expect(refused).toHaveLength(3);
    expect(await f.mirror(a)).toEqual(victim);
    expect(await f.prisma.auditEvent.count({ where: { organizationId: a } })).toBe(auditBefore);
    expect((await f.mirror(b)).subscription).toMatchObject({ planKey: 'starter' });
  });

  it('records a failed webhook event (500, so Stripe retries) and applies it on the next poll', async () => {
    const logged: string[] = [];
    const restore = setLogSink((line) => logged.push(line));
    onTestFinished(restore);
    f = await startEventsFixture(target);
    const org = await f.organization('retry-co');
    await f.poll();
    await f.serve();
    const { customerId } = await f.s.provider.createCustomer({ organizationId: org, name: 'Retry Co', email: null });
    await f.s.standIn.webhooks.settled();
    // Stripe fails the next three reads of this customer.
    f.s.standIn.failNext(3, 500, { match: { method: 'GET', path: `/v1/customers/${customerId}` } });
    const session = await f.s.provider.createCheckoutSession({ organizationId: org, customerId, planKey: 'growth', interval: 'month', successUrl: 'http://x/ok', cancelUrl: 'http://x/no' });
    f.s.standIn.completeCheckoutSession(session.id);
    await f.s.standIn.webhooks.settled();
    const failed = await f.prisma.billingEvent.findMany({ where: { status: 'failed' } });
    expect(failed).toHaveLength(3);
    expect(f.s.standIn.webhooks.deliveries.filter((d) => d.status === 500).map((d) => d.eventId).sort()).toEqual(failed.map((e) => e.eventId).sort());
    for (const e of failed) {
      expect(e).toMatchObject({ attempts: 1, source: 'webhook', nextAttemptAt: expect.any(Date), lastError: expect.stringMatching(/log reference/) });
      expect(e.lastError).not.toContain(f.s.standIn.secretKey);
    }
    // The detail went to the log under the reference, without the key.
    expect(logged).toHaveLength(3);
    expect(logged.join('\n')).not.toContain(f.s.standIn.secretKey);
    const report = await f.poll();
    expect(report.outcomes.filter((o) => o.status === 'processed').map((o) => o.eventId).sort()).toEqual(failed.map((e) => e.eventId).sort());
    const rows = await f.prisma.billingEvent.findMany({ where: { eventId: { in: failed.map((e) => e.eventId) } } });
    expect(rows.every((r) => r.status === 'processed' && r.attempts === 2 && r.source === 'poll')).toBe(true);
    expect((await f.mirror(org)).subscription).toMatchObject({ planKey: 'growth', status: 'active' });
  });
});
