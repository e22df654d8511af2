import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/open-database';
import { METRICS } from '../../server/metering/metrics';
import { microsToMinorDecimal, OVERAGES, PLANS, SEAT_PRICES } from '../../server/billing/plan-catalog';

describe('plan catalog', () => {
  let dataDir: string;
  let db: Awaited<ReturnType<typeof openDatabase>>;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-catalog-'));
    db = await openDatabase({ dataDir });
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('agrees with the plans, quotas and entitlements the database holds', async () => {
    const plans = await db.prisma.plan.findMany({ include: { quotas: true, entitlements: true }, orderBy: { sortOrder: 'asc' } });
    expect(plans.map((p) => p.key)).toEqual(PLANS.map((p) => p.key));
    for (const plan of PLANS) {
      const row = plans.find((p) => p.key === plan.key)!;
      expect({ key: plan.key, name: row.name, policy: row.overagePolicy, price: row.priceMinor, currency: row.currency, sort: row.sortOrder }).toEqual({
        key: plan.key, name: plan.name, policy: plan.overagePolicy, price: plan.prices.month?.amountMinor ?? 0, currency: plan.prices.month?.currency ?? 'usd', sort: plan.sortOrder,
      });
      const quotas = Object.fromEntries(row.quotas.map((q) => [q.metric, q.included === null ? null : Number(q.included)]));
      expect({ key: plan.key, quotas }).toEqual({ key: plan.key, quotas: plan.quotas });
      const entitlements = Object.fromEntries(row.entitlements.map((e) => [e.feature, { enabled: e.enabled, limit: e.limit }]));
      expect({ key: plan.key, entitlements }).toEqual({ key: plan.key, entitlements: plan.entitlements });
    }
  });

  it('prices in integer minor units, yearly at ten months, with stable versioned lookup keys', () => {
    const keys = new Set<string>();
    for (const plan of PLANS) {
      for (const price of Object.values(plan.prices)) {
        expect(Number.isInteger(price.amountMinor)).toBe(true);
        expect(price.lookupKey).toMatch(new RegExp(`^meterdesk_${plan.key}_(monthly|yearly)_v\\d+$`));
        keys.add(price.lookupKey);
      }
      if (plan.prices.year) expect(plan.prices.year.amountMinor).toBe(plan.prices.month!.amountMinor * 10);
    }
    expect(PLANS.find((p) => p.key === 'enterprise')).toMatchObject({ selfServe: false, prices: {} });
    for (const p of [...Object.values(SEAT_PRICES), ...OVERAGES]) keys.add(p.lookupKey);
    expect(keys.size).toBe(6 + 2 + OVERAGES.length); // starter, growth, pro × 2; seats × 2
  });

  it('bills overage only for summed metrics that plans meter, priced in micros', () => {
    for (const o of OVERAGES) {
      expect(METRICS[o.metric].aggregation).toBe('sum');
      expect(PLANS.find((p) => p.key === 'pro')!.quotas[o.metric]).toBeTypeOf('number');
      expect(Number.isSafeInteger(o.unitPriceMicros)).toBe(true);
      expect(o.meterEventName).toBe(`meterdesk_${o.metric}`);
    }
    expect(microsToMinorDecimal(7500)).toBe('0.75');
    expect(microsToMinorDecimal(2)).toBe('0.0002');
    expect(microsToMinorDecimal(20000)).toBe('2');
    expect(microsToMinorDecimal(12345)).toBe('1.2345');
  });
});
