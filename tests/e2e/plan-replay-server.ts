// The what-if replay e2e suite's server: the console as `npm run serve` serves it, on a database
// with the demo data and, for the Starter tenant (Globex), 600 SMS sent last billing month through
// the live reservation path (reserve, then commit) at the times they happened.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app';
import { seedDemo } from '../../server/demo/seed-demo';
import { createHttpServer } from '../../server/http/create-http-server';
import { commitReservation } from '../../server/metering/settle-reservation';
import { reserveUsage, reserveUsageInput } from '../../server/metering/reserve-usage';
import { memoryKeychain } from '../helpers/test-app';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = await createApp({ keychain: memoryKeychain() });
const db = app.services.db;
await seedDemo(db, new Date());
const [globex] = await db.query<{ id: string; start: Date }>(
  `select o.id, meterdesk_period_start(s.billing_anchor, meterdesk_period_start(s.billing_anchor, now()) - interval '1 millisecond') as start
     from organizations o join subscriptions s on s.organization_id = o.id where o.slug = 'globex'`,
);
// One clock moved along (reservations are batched per database with the clock of the first call).
let at = new Date(0);
const clock = { now: () => at };
for (let i = 0; i < 60; i++) {
  at = new Date(globex!.start.getTime() + 86_400_000 + i * 8 * 3_600_000); // every 8 hours from the 2nd day: 20 days
  const r = await reserveUsage(db, globex!.id, reserveUsageInput.parse({ metric: 'sms_sent', quantity: 10 }), clock);
  if (r.status !== 'reserved') throw new Error(`seed send ${i} was ${r.status}`);
  const settled = await commitReservation(db, globex!.id, r.reservationId, {}, clock);
  if (settled.status !== 'committed') throw new Error(`seed send ${i} was ${settled.status}`);
}
const { url } = await createHttpServer({ app, port: Number(process.env.PORT), launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
app.startBackgroundJobs();
console.log(`Meterdesk console (plan-replay suite): ${url}`);
