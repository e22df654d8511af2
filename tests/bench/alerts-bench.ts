// `npm run bench -- alerts`: what usage alerts cost on the hot path, on PostgreSQL (DATABASE_URL, or
// a fresh database on the local server). Prints JSON lines, each with the project's figure, a raw
// baseline measured in the same run, and their ratio:
//  1. reserve + commit throughput (16 lanes) with the alert hook running vs the same without it;
//  2. one threshold check (organization + team + person) vs a raw read of the same counter rows.
import { systemClock } from '../../server/clock';
import { openDatabase, type Database } from '../../server/db/open-database';
import { createMailer } from '../../server/mail/mailer';
import { alertChecksIdle, registerAlertServices } from '../../server/alerts/usage-alert-hooks';
import { checkThresholdAlerts } from '../../server/alerts/check-usage-alerts';
import { reserveUsage } from '../../server/metering/reserve-usage';
import { commitReservation } from '../../server/metering/settle-reservation';
import { createPostgresDatabase } from '../helpers/databases';

const created = process.env.DATABASE_URL ? null : await createPostgresDatabase();
const url = process.env.DATABASE_URL ?? created!.url!;

async function tenant(db: Database, slug: string) {
  const org = await db.prisma.organization.create({ data: { slug: `${slug}-${Date.now()}`, name: slug } });
  await db.prisma.subscription.create({ data: { organizationId: org.id, planKey: 'enterprise' } }); // unlimited: nothing blocks
  const team = await db.prisma.team.create({ data: { organizationId: org.id, name: 'Bench' } });
  const user = await db.prisma.user.create({ data: { email: `${slug}-${Date.now()}@bench.test`, name: slug } });
  await db.prisma.membership.create({ data: { organizationId: org.id, userId: user.id, role: 'member' } });
  await db.prisma.userLimit.create({ data: { organizationId: org.id, userId: user.id, metric: 'sms_sent', limit: 1_000_000 } });
  await db.prisma.teamBudget.create({ data: { organizationId: org.id, teamId: team.id, metric: 'sms_sent', limit: 1_000_000 } });
  return { organizationId: org.id, userId: user.id, teamId: team.id };
}

async function commits(db: Database, t: { organizationId: string; userId: string; teamId: string }, total: number, lanes = 16) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < total) {
        next++;
        const r = await reserveUsage(db, t.organizationId, { metric: 'sms_sent', quantity: 1, user: t.userId, team: t.teamId, ttlSeconds: 600 }, systemClock);
        if (r.status === 'reserved') await commitReservation(db, t.organizationId, r.reservationId, {}, systemClock);
      }
    }),
  );
  await alertChecksIdle(db);
  return (total / (performance.now() - started)) * 1000;
}

const withHook = await openDatabase({ databaseUrl: url });
registerAlertServices({ db: withHook, clock: systemClock, mailer: createMailer(withHook), consoleUrl: null });
const bare = await openDatabase({ databaseUrl: url });
const a = await tenant(withHook, 'hooked');
const b = await tenant(bare, 'bare');
const N = Number(process.env.BENCH_COMMITS ?? 3000);
await commits(bare, b, 200); // warm-up
await commits(withHook, a, 200);
const raw = await commits(bare, b, N);
const project = await commits(withHook, a, N);
console.log(JSON.stringify({ bench: 'alerts', figure: 'reserve+commit per second, 16 lanes', project: Math.round(project), baseline_without_alert_hook: Math.round(raw), ratio: Number((project / raw).toFixed(2)) }));

const touches = [{ metric: 'sms_sent', userId: a.userId, teamId: a.teamId }];
const time = async (f: () => Promise<unknown>, n = 500) => {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await f();
    samples.push(performance.now() - s);
  }
  return samples.sort((x, y) => x - y)[Math.floor(n / 2)]!;
};
const check = await time(() => checkThresholdAlerts(bare, a.organizationId, touches, [], new Date()));
const read = await time(() => bare.query(`select used, reserved from usage_counters where organization_id = $1 and metric = 'sms_sent' and scope_id = any($2::uuid[])`, [a.organizationId, [a.organizationId, a.userId, a.teamId]]));
console.log(JSON.stringify({ bench: 'alerts', figure: 'threshold check, median ms', project: Number(check.toFixed(2)), baseline_raw_counter_read: Number(read.toFixed(2)), ratio: Number((check / read).toFixed(2)) }));

await withHook.close();
await bare.close();
await created?.drop();
process.exit(0);
