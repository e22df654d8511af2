import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/demo/seed-demo';
import { reserveUsage } from '../../server/metering/reserve-usage';
import { commitReservation } from '../../server/metering/settle-reservation';
import { verifyUsageCounters } from '../../server/metering/verify-usage-counters';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { expectCountersMatchLedger } from '../helpers/usage-invariants';

// The demo's usage goes through the same ledger as the API: its counters must add up, and stay so
// when the demo is then used (acme's emails_sent once read 830 against a ledger of 824: a commit
// whose idempotency key was already taken moved the counter without writing its event).
describe.each(databaseTargets)('demo usage on $name', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(target);
  });
  afterAll(() => t?.close());
  afterEach(() => expectCountersMatchLedger(t.app.services.db));

  it('seeds counters that equal the ledger, and a colliding commit cannot make them drift', async () => {
    const db = t.app.services.db;
    await seedDemo(db, t.clock.now());
    const { countersChecked, mismatches } = await verifyUsageCounters(db);
    expect(countersChecked).toBeGreaterThan(50);
    expect(mismatches).toEqual([]);

    const acme = await db.prisma.organization.findUniqueOrThrow({ where: { slug: 'acme' } });
    const r = await reserveUsage(db, acme.id, { metric: 'emails_sent', quantity: 6, ttlSeconds: 300 }, t.clock);
    if (r.status !== 'reserved') throw new Error(JSON.stringify(r));
    // demo-acme-2 is one of the seeded emails_sent events.
    expect(await commitReservation(db, acme.id, r.reservationId, { idempotencyKey: 'demo-acme-2' }, t.clock)).toMatchObject({ status: 'idempotency_key_in_use' });
    expect((await verifyUsageCounters(db, { organizationId: acme.id })).mismatches).toEqual([]);
    expect(await commitReservation(db, acme.id, r.reservationId, { idempotencyKey: 'demo-acme-followup' }, t.clock)).toMatchObject({ status: 'committed', committedQuantity: 6 });
  });
});
