// PostgreSQL, concurrent: webhooks and two pollers (two connection pools, as two processes would
// have) racing on the same events apply each exactly once; one poller runs at a time.
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { pollStripeEvents } from '../../server/billing/poll-stripe-events';
import { processStripeEvent, stripeEventSchema } from '../../server/billing/process-stripe-event';
import { openDatabase } from '../../server/db/open-database';
import { databaseTargets, POSTGRES_ADMIN_URL } from '../helpers/databases';
import { startEventsFixture, type EventsFixture } from './events-helpers';

const postgres = databaseTargets.find((t) => t.name === 'postgres');

describe.skipIf(!postgres)('Stripe events racing on PostgreSQL', () => {
  let f: EventsFixture;
  afterEach(() => f?.close());

  async function secondProcess() {
    const [{ name } = { name: '' }] = await f.t.app.services.db.query<{ name: string }>('select current_database() as name');
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const db = await openDatabase({ databaseUrl: url.toString() });
    onTestFinished(() => db.close());
    return { ...f.ctx, db };
  }

  it('webhook deliveries and two pollers apply each event once', async () => {
    f = await startEventsFixture(postgres!);
    const other = await secondProcess();
    const org = await f.organization('race-co');
    await f.poll();
    await f.serve();
    f.s.standIn.webhooks.hold();
    const { subscriptionId } = await f.subscribe(org, 'growth', { extraSeats: 1 });
    await f.s.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    // Both pollers start; once one has listed the events, the held deliveries all go out at once.
    const listed = f.s.standIn.requests.length;
    const polls = Promise.all([pollStripeEvents(f.ctx), pollStripeEvents(other)]);
    while (!f.s.standIn.requests.slice(listed).some((r) => r.path === '/v1/events' && r.status === 200)) await new Promise((r) => setImmediate(r));
    f.s.standIn.webhooks.release();
    const [a, b] = await polls;
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    await f.s.standIn.webhooks.settled();
    const delivered = f.s.standIn.webhooks.deliveries;
    expect(delivered.filter((d) => d.status !== 200)).toEqual([]);

    const rows = await f.prisma.billingEvent.findMany();
    expect(rows.map((r) => r.eventId).sort()).toEqual([...new Set(delivered.map((d) => d.eventId))].sort());
    expect(rows.filter((r) => r.attempts !== 1 || r.status === 'failed')).toEqual([]);
    const polled = [...a.outcomes, ...b.outcomes];
    // Every event the poller saw was either applied by it or found already applied by a webhook.
    for (const o of polled) expect(['processed', 'ignored', 'duplicate']).toContain(o.status);
    expect((await f.mirror(org)).subscription).toMatchObject({ planKey: 'growth', status: 'active', seatQuantity: 1, cancelAtPeriodEnd: true });
  });

  it('the same event delivered eight times at once, through two processes, is applied once', async () => {
    f = await startEventsFixture(postgres!);
    const other = await secondProcess();
    const org = await f.organization('burst-co');
    await f.subscribe(org, 'starter');
    const event = stripeEventSchema.parse(f.events().find((e) => e.type === 'checkout.session.completed'));
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => processStripeEvent(i % 2 ? other : f.ctx, event, 'webhook')));
    expect(outcomes.filter((o) => o.status === 'processed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(7);
    expect(await f.prisma.billingEvent.findUniqueOrThrow({ where: { eventId: event.id } })).toMatchObject({ status: 'processed', attempts: 1, organizationId: org });
    expect(await f.prisma.auditEvent.count({ where: { organizationId: org, action: 'billing.subscription_changed' } })).toBe(1);
    expect(await f.prisma.auditEvent.count({ where: { organizationId: org, action: 'billing.customer_linked' } })).toBe(1);
  });
});
