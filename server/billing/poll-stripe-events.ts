// Event polling (GET /v1/events): the way in when no webhook can reach us (the desktop) and the
// safety net when one could not. One poller at a time across every process sharing the database
// (a PostgreSQL advisory lock; the embedded PGlite has one process), resuming from the stored
// cursor, oldest first, pages of 100. When the cursor is missing or older than Stripe's 30-day
// event window, events may have been lost: the mirror is rebuilt from the objects themselves and
// the cursor set to the newest event at that moment. Failed events are retried on every run.
import type { Prisma } from '../db/generated/client';
import { processStripeEvent, retryFailedStripeEvents, stripeEventSchema, type ProcessOutcome, type StripeEventContext } from './process-stripe-event';
import { resyncStripeObjects, type ResyncReport } from './resync-stripe-objects';

const PROVIDER = 'stripe';
/** Stripe lists events of the last 30 days; a day of margin for clocks and slow runs. */
const EVENT_WINDOW_MS = 29 * 86_400_000;
/** Stable key of the poller's advisory lock (any bigint; this one spells "stripe p"). */
const POLLER_LOCK_KEY = 0x7374726970652070n;
const PAGE = 100;

export interface PollReport {
  /** false: another process was polling; this run did nothing. */
  ran: boolean;
  outcomes: ProcessOutcome[];
  retried: ProcessOutcome[];
  resync: ResyncReport | null;
  cursor: string | null;
}

const pgliteRuns = new WeakMap<object, Promise<unknown>>();

export async function pollStripeEvents(ctx: StripeEventContext, options: { maxEvents?: number } = {}): Promise<PollReport> {
  const { db } = ctx;
  if (db.kind === 'pglite') {
    // One process: one run at a time in it.
    if (pgliteRuns.has(db)) return { ran: false, outcomes: [], retried: [], resync: null, cursor: null };
    const run = pollOnce(ctx, options);
    pgliteRuns.set(db, run);
    try {
      return await run;
    } finally {
      pgliteRuns.delete(db);
    }
  }
  // The lock lives as long as this transaction's connection holds it; the events themselves are
  // applied on other connections, in transactions of their own.
  return db.prisma.$transaction(
    async (tx: Prisma.TransactionClient) => {
      const [row] = await tx.$queryRawUnsafe<Array<{ locked: boolean }>>('select pg_try_advisory_xact_lock($1::bigint) as locked', POLLER_LOCK_KEY.toString());
      if (!row?.locked) return { ran: false, outcomes: [], retried: [], resync: null, cursor: null };
      return pollOnce(ctx, options);
    },
    { timeout: 15 * 60_000, maxWait: 10_000 },
  );
}

async function pollOnce(ctx: StripeEventContext, options: { maxEvents?: number }): Promise<PollReport> {
  const { db, stripe, clock } = ctx;
  const state = await db.prisma.billingSyncState.upsert({ where: { provider: PROVIDER }, create: { provider: PROVIDER }, update: {} });
  const now = clock.now();
  let resync: ResyncReport | null = null;
  let cursor = { id: state.lastEventId, created: state.lastEventCreated };

  const stale = !cursor.created || now.getTime() - cursor.created.getTime() > EVENT_WINDOW_MS;
  if (stale) {
    // The newest event before the resynchronisation reads anything: whatever happens during it
    // comes after this cursor and is polled next.
    const newest = (await stripe.events.list({ limit: 1 })).data[0];
    resync = await resyncStripeObjects(ctx);
    cursor = newest ? { id: newest.id, created: new Date(newest.created * 1000) } : { id: null, created: now };
    await db.prisma.billingSyncState.update({ where: { provider: PROVIDER }, data: { lastEventId: cursor.id, lastEventCreated: cursor.created, lastResyncAt: now } });
  }

  const outcomes: ProcessOutcome[] = [];
  const max = options.maxEvents ?? 10_000;
  try {
    while (outcomes.length < max) {
      const batch = await nextBatch(ctx, cursor);
      if (batch.length === 0) break;
      for (const raw of batch) {
        const event = stripeEventSchema.parse(raw);
        // Failures are recorded (and retried below and on later runs); the cursor moves on.
        outcomes.push(await processStripeEvent(ctx, event, 'poll'));
        cursor = { id: event.id, created: new Date(event.created * 1000) };
        await db.prisma.billingSyncState.update({ where: { provider: PROVIDER }, data: { lastEventId: cursor.id, lastEventCreated: cursor.created } });
      }
    }
    const retried = await retryFailedStripeEvents(ctx);
    await db.prisma.billingSyncState.update({ where: { provider: PROVIDER }, data: { lastRunAt: now, lastError: null } });
    return { ran: true, outcomes, retried, resync, cursor: cursor.id };
  } catch (error) {
    await db.prisma.billingSyncState.update({ where: { provider: PROVIDER }, data: { lastRunAt: now, lastError: (error as Error).message.slice(0, 500) } }).catch(() => {});
    throw error;
  }
}

/** The next events after the cursor, oldest first, at most one page. */
async function nextBatch(ctx: StripeEventContext, cursor: { id: string | null; created: Date | null }) {
  if (cursor.id) {
    // `ending_before` pages towards newer events; each page is itself newest first.
    const page = await ctx.stripe.events.list({ ending_before: cursor.id, limit: PAGE });
    return [...page.data].reverse();
  }
  // No event seen yet (an account without events at the last resynchronisation): everything since.
  const since = Math.floor((cursor.created ?? new Date(0)).getTime() / 1000);
  const all = [];
  for await (const event of ctx.stripe.events.list({ created: { gte: since }, limit: PAGE })) all.push(event);
  return all.reverse().slice(0, PAGE);
}
