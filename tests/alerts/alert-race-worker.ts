// One of several processes moving the same organization's usage at once (see threshold-alerts.test.ts):
// half its lanes reserve-and-commit SMS for a person on a team, half ingest event batches. Alerts
// are checked by the metering hook as in the app. Prints one JSON line when its checks are done.
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { createMailer } from '../../server/mail/mailer';
import { alertChecksIdle, registerAlertServices } from '../../server/alerts/usage-alert-hooks';
import { reserveUsage } from '../../server/metering/reserve-usage';
import { commitReservation } from '../../server/metering/settle-reservation';
import { recordUsageEvents } from '../../server/metering/record-usage-events';

const [url, organizationId, userId, teamId, rounds, lanes, tag] = process.argv.slice(2);
const db = await openDatabase({ databaseUrl: url });
registerAlertServices({ db, clock: systemClock, mailer: createMailer(db), consoleUrl: null });
let committed = 0;
let ingested = 0;
let refused = 0;
async function commitLane() {
  for (let i = 0; i < Number(rounds); i++) {
    const r = await reserveUsage(db, organizationId!, { metric: 'sms_sent', quantity: 1, user: userId, team: teamId, ttlSeconds: 600 }, systemClock);
    if (r.status !== 'reserved') {
      refused++;
      continue;
    }
    await commitReservation(db, organizationId!, r.reservationId, {}, systemClock);
    committed++;
  }
}
async function ingestLane(lane: number) {
  for (let i = 0; i < Number(rounds); i += 5) {
    const events = Array.from({ length: 5 }, (_, k) => ({ metric: 'emails_sent', quantity: 1, idempotencyKey: `${tag}-${lane}-${i + k}`, user: userId, team: teamId }));
    const results = await recordUsageEvents(db, organizationId!, events, systemClock);
    ingested += results.filter((r) => r.status === 'accepted').length;
  }
}
await Promise.all(Array.from({ length: Number(lanes) }, (_, lane) => (lane % 2 === 0 ? commitLane() : ingestLane(lane))));
await alertChecksIdle(db);
console.log(JSON.stringify({ committed, ingested, refused }));
await db.close();
process.exit(0);
