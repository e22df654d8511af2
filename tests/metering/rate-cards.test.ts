import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRate } from '../../server/metering/find-rate';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { expectCountersMatchLedger } from '../helpers/usage-invariants';

describe.each(databaseTargets)('rate cards on $name', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(target);
  });
  afterAll(() => t?.close());
  afterEach(() => expectCountersMatchLedger(t.app.services.db));

  it('prices a US SMS at $0.0075 with the provider cost beside it, and falls back to the catch-all line', async () => {
    const now = t.clock.now();
    expect(await findRate(t.app.services.db, { channel: 'sms', country: 'us', messageType: 'sms' }, now)).toMatchObject({ priceMicros: 7500, costMicros: 5810, currency: 'usd', country: 'US' });
    expect(await findRate(t.app.services.db, { channel: 'sms', country: 'BR', messageType: 'sms' }, now)).toMatchObject({ country: '*', priceMicros: 50000 });
    expect(await findRate(t.app.services.db, { channel: 'fax', country: 'US', messageType: 'sms' }, now)).toBeNull();
  });

  it('applies a new version from its effective date, and the old one before it', async () => {
    const p = t.app.services.db.prisma;
    const switchAt = new Date('2026-12-01T00:00:00Z');
    await p.rateCard.updateMany({ where: { channel: 'sms', country: 'US', messageType: 'sms', effectiveTo: null }, data: { effectiveTo: switchAt } });
    await p.rateCard.create({ data: { channel: 'sms', country: 'US', messageType: 'sms', priceMicros: 8000, costMicros: 6000, effectiveFrom: switchAt, version: 2 } });
    const db = t.app.services.db;
    expect(await findRate(db, { channel: 'sms', country: 'US', messageType: 'sms', at: new Date('2026-11-30T23:59:59Z') }, t.clock.now())).toMatchObject({ priceMicros: 7500, version: 1 });
    expect(await findRate(db, { channel: 'sms', country: 'US', messageType: 'sms', at: switchAt }, t.clock.now())).toMatchObject({ priceMicros: 8000, version: 2 });
  });
});
