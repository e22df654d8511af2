// One of several processes racing for the same hard cap (see hard-cap-race.test.ts). Prints one
// JSON line: how many reservations it got and how many were refused.
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { reserveUsage } from '../../server/metering/reserve-usage';
import { commitReservation } from '../../server/metering/settle-reservation';

const [url, organizationId, attemptsText, concurrencyText] = process.argv.slice(2);
const db = await openDatabase({ databaseUrl: url });
let reserved = 0;
let refused = 0;
let next = 0;
const attempts = Number(attemptsText);
async function lane() {
  while (next < attempts) {
    next++;
    const result = await reserveUsage(db, organizationId!, { metric: 'sms_sent', quantity: 1, ttlSeconds: 600 }, systemClock);
    if (result.status === 'reserved') {
      reserved++;
      // Commit every other one, so commits race with reservations too.
      if (reserved % 2 === 0) await commitReservation(db, organizationId!, result.reservationId, {}, systemClock);
    } else refused++;
  }
}
await Promise.all(Array.from({ length: Number(concurrencyText) }, lane));
console.log(JSON.stringify({ reserved, refused }));
await db.close();
process.exit(0);
