import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors';
import { withStandIn, type StandInContext } from './stripe-helpers';

describe('StripeProvider against the stand-in', () => {
  let ctx: StandInContext;
  beforeAll(async () => {
    ctx = await withStandIn();
    await ctx.provider.syncCatalog();
  });
  afterAll(() => ctx.close());

  it('creates one customer per organization even when the call is repeated', async () => {
    const input = { organizationId: '0190a0c0-0000-7000-8000-000000000001', name: 'Acme', email: 'billing@acme.test', billingCountry: 'US', isBusiness: true };
    const a = await ctx.provider.createCustomer(input);
    const b = await ctx.provider.createCustomer(input);
    expect(b.customerId).toBe(a.customerId);
    expect(ctx.standIn.store.get('customer', a.customerId)).toMatchObject({ name: 'Acme', business_name: 'Acme', address: { country: 'US' }, metadata: { meterdesk_organization_id: input.organizationId } });
  });

  it('opens Checkout in subscription mode with the plan, extra seats, overage prices and trial', async () => {
    const { customerId } = await ctx.provider.createCustomer({ organizationId: 'org-pro', name: 'Pro Co', email: null });
    const session = await ctx.provider.createCheckoutSession({
      organizationId: 'org-pro', customerId, planKey: 'pro', interval: 'month', extraSeats: 4, trialDays: 14,
      successUrl: 'http://127.0.0.1:5000/billing?checkout=done', cancelUrl: 'http://127.0.0.1:5000/billing',
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toMatch(new RegExp(`^${ctx.standIn.url}/c/pay/`));
    expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const request = ctx.standIn.requests.findLast((r) => r.path === '/v1/checkout/sessions')!;
    const items = request.params.line_items as Array<{ price: string; quantity?: string }>;
    expect(items).toHaveLength(2 + 9);
    expect(items[1]!.quantity).toBe('4');
    expect(items.slice(2).every((i) => i.quantity === undefined)).toBe(true);

    ctx.standIn.completeCheckoutSession(session.id);
    const subscription = ctx.standIn.store.all('subscription').find((s) => s.customer === customerId)!;
    expect(subscription).toMatchObject({ status: 'trialing', metadata: { meterdesk_plan: 'pro', meterdesk_organization_id: 'org-pro' } });
  });

  it('refuses plans that cannot be bought online, in words', async () => {
    const base = { organizationId: 'o', customerId: 'cus_x', interval: 'month' as const, successUrl: 'http://x/ok', cancelUrl: 'http://x/no' };
    await expect(ctx.provider.createCheckoutSession({ ...base, planKey: 'enterprise' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/contact sales/) });
    await expect(ctx.provider.createCheckoutSession({ ...base, planKey: 'free' })).rejects.toThrow(AppError);
  });

  it('opens the billing portal with the synced configuration, and a payment-method flow', async () => {
    const { customerId } = await ctx.provider.createCustomer({ organizationId: 'org-portal', name: 'Portal Co', email: null });
    const { url } = await ctx.provider.createBillingPortalSession({ customerId, returnUrl: 'http://127.0.0.1:5000/billing', flow: 'payment_method_update' });
    expect(url).toMatch(new RegExp(`^${ctx.standIn.url}/p/session/bps_`));
    const session = ctx.standIn.store.all('billing_portal.session')[0]!;
    expect(session).toMatchObject({ flow: { type: 'payment_method_update' }, configuration: expect.stringMatching(/^bpc_/) });
    await expect(ctx.provider.createBillingPortalSession({ customerId, returnUrl: 'http://x', flow: 'subscription_cancel' })).rejects.toMatchObject({ details: { field: 'subscriptionId' } });
  });

  it('reports usage to the meter once per identifier', async () => {
    const { customerId } = await ctx.provider.createCustomer({ organizationId: 'org-usage', name: 'Usage Co', email: null });
    const report = { customerId, metric: 'sms_sent' as const, quantity: 120, identifier: 'org-usage:sms_sent:2026-12:1', occurredAt: new Date() };
    expect(await ctx.provider.reportUsage(report)).toEqual({ status: 'reported' });
    expect(await ctx.provider.reportUsage(report)).toEqual({ status: 'duplicate' });
    expect(await ctx.provider.reportUsage({ ...report, identifier: 'org-usage:sms_sent:2026-12:2', quantity: 5 })).toEqual({ status: 'reported' });
    const events = ctx.standIn.store.meterEvents.filter((e) => (e.payload as Record<string, string>).stripe_customer_id === customerId);
    expect(events.map((e) => [e.event_name, (e.payload as Record<string, string>).value])).toEqual([['meterdesk_sms_sent', '120'], ['meterdesk_sms_sent', '5']]);
    await expect(ctx.provider.reportUsage({ ...report, metric: 'documents' })).rejects.toMatchObject({ details: { field: 'metric' } });
    await expect(ctx.provider.reportUsage({ ...report, quantity: 0 })).rejects.toMatchObject({ details: { field: 'quantity' } });
  });

  it('turns Stripe errors into AppErrors that never show the key', async () => {
    const { StripeProvider } = await import('../../server/billing/stripe/stripe-provider');
    const wrong = new StripeProvider({ secretKey: 'sk_test_notTheRightKeyAtAll9876', apiBase: ctx.standIn.url, maxNetworkRetries: 0 });
    const error = await wrong.syncCatalog().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/Stripe refused the secret key/);
    expect((error as AppError).message).not.toContain('notTheRightKey');
  });

  it('refuses webhook deliveries when no signing secret is configured', async () => {
    await expect(ctx.provider.handleEvent({ rawBody: '{}', signature: 't=1,v1=00' })).rejects.toMatchObject({ code: 'webhooks_not_configured' });
  });
});
