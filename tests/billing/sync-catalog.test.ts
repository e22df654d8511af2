import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OVERAGES, PLANS, SEAT_PRICES } from '../../server/billing/plan-catalog';
import { syncCatalog } from '../../server/billing/sync-catalog';
import { withStandIn, type StandInContext } from './stripe-helpers';

const planPriceKeys = PLANS.flatMap((p) => Object.values(p.prices).map((x) => x.lookupKey));
const allPriceKeys = [...planPriceKeys, ...Object.values(SEAT_PRICES).map((p) => p.lookupKey), ...OVERAGES.map((o) => o.lookupKey)];
const productCount = PLANS.length + 1 + OVERAGES.length;

describe('stripe sync-catalog against the stand-in', () => {
  let ctx: StandInContext;
  beforeEach(async () => {
    ctx = await withStandIn();
  });
  afterEach(() => ctx.close());

  const activePrices = () => ctx.standIn.store.all('price').filter((p) => p.active);
  const keyed = (key: string) => ctx.standIn.store.all('price').filter((p) => p.lookup_key === key);

  it('creates products, prices, meters and the portal configuration from nothing', async () => {
    const outcome = await syncCatalog(ctx.provider);
    expect(outcome.changed).toBe(true);
    expect(outcome.conflicts).toEqual([]);
    const store = ctx.standIn.store;
    expect(store.all('product')).toHaveLength(productCount);
    expect(store.all('billing.meter')).toHaveLength(OVERAGES.length);
    expect(store.all('billing_portal.configuration')).toHaveLength(1);
    expect(activePrices().map((p) => p.lookup_key).sort()).toEqual([...allPriceKeys].sort());

    const starter = keyed('meterdesk_starter_monthly_v1')[0]!;
    expect(starter).toMatchObject({ unit_amount: 2900, currency: 'usd', type: 'recurring', recurring: { interval: 'month', usage_type: 'licensed' } });
    expect(keyed('meterdesk_pro_yearly_v1')[0]).toMatchObject({ unit_amount: 99000, recurring: { interval: 'year' } });

    const sms = store.all('billing.meter').find((m) => m.event_name === 'meterdesk_sms_sent')!;
    expect(sms).toMatchObject({
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
      status: 'active',
    });
    // $0.0075 per SMS = 0.75 cents, on a metered price backed by the meter.
    expect(keyed('meterdesk_overage_sms_sent_v1')[0]).toMatchObject({ unit_amount: null, unit_amount_decimal: '0.75', recurring: { usage_type: 'metered', meter: sms.id } });

    const portal = store.all('billing_portal.configuration')[0]!;
    expect(portal).toMatchObject({ features: { subscription_cancel: { enabled: true, mode: 'at_period_end' }, payment_method_update: { enabled: true }, invoice_history: { enabled: true } } });
    expect((portal.features as { subscription_update: { products: unknown[] } }).subscription_update.products).toHaveLength(3);

    // Every write went through with the pinned API version and an idempotency key.
    for (const r of ctx.standIn.writes()) expect(r).toMatchObject({ stripeVersion: '2026-10-28.endive', idempotencyKey: expect.any(String) });
    expect(outcome.lines.at(-1)).toMatch(/^\d+ changes\.$/);
  });

  it('changes nothing on a second run: no write request at all', async () => {
    await syncCatalog(ctx.provider);
    const before = ctx.standIn.writes().length;
    const eventsBefore = ctx.standIn.store.all('event').length;
    const second = await syncCatalog(ctx.provider);
    expect(second.changed).toBe(false);
    expect(second.lines).toEqual(['The stripe catalog is up to date: nothing changed.']);
    expect(ctx.standIn.writes().length).toBe(before);
    expect(ctx.standIn.store.all('event').length).toBe(eventsBefore);
  });

  it('replaces a price whose amount differs: new price takes the lookup key, the old one is archived', async () => {
    await syncCatalog(ctx.provider);
    // As if the catalog had said $25 before: Stripe holds the old amount under the key.
    const old = keyed('meterdesk_growth_monthly_v1')[0]!;
    ctx.standIn.store.save({ ...old, unit_amount: 2500, unit_amount_decimal: '2500' });

    const outcome = await syncCatalog(ctx.provider);
    const now = keyed('meterdesk_growth_monthly_v1');
    expect(now).toHaveLength(1);
    expect(now[0]).toMatchObject({ unit_amount: 5900, active: true });
    expect(now[0]!.id).not.toBe(old.id);
    expect(ctx.standIn.store.get('price', old.id)).toMatchObject({ active: false, lookup_key: null });
    expect(outcome.report.changes.filter((c) => c.action !== 'conflict').map((c) => `${c.action} ${c.key}`)).toEqual([
      'created meterdesk_growth_monthly_v1',
      'archived meterdesk_growth_monthly_v1',
      'updated meterdesk_portal_v1', // its plan switches now offer the new price
    ]);
    // The new request carried transfer_lookup_key.
    expect(ctx.standIn.requests.find((r) => r.method === 'POST' && r.path === '/v1/prices' && r.params.transfer_lookup_key === 'true')).toBeTruthy();
    // And the portal now offers the new price.
    const again = await syncCatalog(ctx.provider);
    expect(again.changed).toBe(false);
  });

  it('repairs drift: reactivates an archived price and a deactivated meter, restores a renamed product', async () => {
    const first = await syncCatalog(ctx.provider);
    await ctx.stripe.prices.update(first.report.priceIds.meterdesk_seat_monthly_v1!, { active: false });
    await ctx.stripe.billing.meters.deactivate(first.report.meterIds.meterdesk_ai_tokens!);
    const product = ctx.standIn.store.all('product').find((p) => (p.metadata as Record<string, string>).meterdesk_key === 'plan_pro')!;
    await ctx.stripe.products.update(product.id, { name: 'Renamed by hand' });

    const outcome = await syncCatalog(ctx.provider);
    expect(outcome.report.changes.map((c) => `${c.action} ${c.kind} ${c.key}`).sort()).toEqual([
      'reactivated meter meterdesk_ai_tokens',
      'reactivated price meterdesk_seat_monthly_v1',
      'updated product plan_pro',
    ]);
    expect((await syncCatalog(ctx.provider)).changed).toBe(false);
  });

  it('survives 5xx before and after Stripe did the work, and lock-timeout 429s, with no duplicates', async () => {
    ctx.standIn.failNext(2, 500); // the first list request, twice
    ctx.standIn.failNext(1, 500, { afterExecution: true, match: { method: 'POST' } }); // the first product is created, its answer lost
    ctx.standIn.failNext(1, 429, { shouldRetry: true, match: { method: 'POST', path: '/v1/prices' } });
    const outcome = await syncCatalog(ctx.provider);
    expect(outcome.conflicts).toEqual([]);
    expect(ctx.standIn.requests.filter((r) => r.status >= 500 || r.status === 429)).toHaveLength(4);
    expect(ctx.standIn.requests.some((r) => r.replayed)).toBe(true);
    expect(ctx.standIn.store.all('product')).toHaveLength(productCount);
    for (const key of allPriceKeys) expect(keyed(key)).toHaveLength(1);
    expect(ctx.standIn.store.all('price')).toHaveLength(allPriceKeys.length);
    expect((await syncCatalog(ctx.provider)).changed).toBe(false);
  });

  it('finds its objects past the first page of a list', async () => {
    await syncCatalog(ctx.provider);
    // 120 newer products and prices of someone else's push ours past the first page of 100.
    for (let i = 0; i < 120; i++) {
      await ctx.stripe.products.create({ name: `Other ${i}`, default_price_data: { currency: 'usd', unit_amount: 100 + i } });
    }
    const page = await ctx.stripe.products.list({ limit: 100 });
    expect(page.has_more).toBe(true);
    const before = ctx.standIn.writes().length;
    expect((await syncCatalog(ctx.provider)).changed).toBe(false);
    expect(ctx.standIn.writes().length).toBe(before);
    expect(ctx.standIn.requests.filter((r) => r.method === 'GET' && r.path === '/v1/products').length).toBeGreaterThanOrEqual(4);
  });

  it('a dry run reports what it would do and writes nothing', async () => {
    const outcome = await syncCatalog(ctx.provider, { dryRun: true });
    expect(outcome.changed).toBe(true);
    expect(outcome.lines.at(-1)).toMatch(/would be made \(dry run, nothing written\)/);
    expect(ctx.standIn.writes()).toEqual([]);
  });
});
