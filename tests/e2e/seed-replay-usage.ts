// Recorded usage for the what-if replay's e2e stories (plan-replay and plan-lab suites): the demo's
// Starter tenant (Globex) sent 600 SMS last billing month through the live reservation path
// (reserve, then commit) at the times they happened — 100 past a 500-SMS draft quota.
import type { Database } from '../../server/db/open-database';
import { commitReservation } from '../../server/metering/settle-reservation';
import { reserveUsage, reserveUsageInput } from '../../server/metering/reserve-usage';

export async function seedGlobexLastMonthSms(db: Database) {
  const [globex] = await db.query<{ id: string; start: Date }>(
    `select o.id, meterdesk_period_start(s.billing_anchor, meterdesk_period_start(s.billing_anchor, now()) - interval '1 millisecond') as start
       from organizations o join subscriptions s on s.organization_id = o.id where o.slug = 'globex'`,
  );
  if (!globex) throw new Error('the demo data (Globex) is not loaded');
  // One clock moved along (reservations are batched per database with the clock of the first call).
  let at = new Date(0);
  const clock = { now: () => at };
  for (let i = 0; i < 60; i++) {
    at = new Date(globex.start.getTime() + 86_400_000 + i * 8 * 3_600_000); // every 8 hours from the 2nd day: 20 days
    const r = await reserveUsage(db, globex.id, reserveUsageInput.parse({ metric: 'sms_sent', quantity: 10 }), clock);
    if (r.status !== 'reserved') throw new Error(`seed send ${i} was ${r.status}`);
    const settled = await commitReservation(db, globex.id, r.reservationId, {}, clock);
    if (settled.status !== 'committed') throw new Error(`seed send ${i} was ${settled.status}`);
  }
}
