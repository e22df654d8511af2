// Use case (platform staff, seed 003): the system's health at a glance. Each check answers healthy
// or degraded with the reason, from what the database already records: no check calls a provider.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';

export type HealthState = 'healthy' | 'degraded';
export interface HealthCheck {
  key: string;
  label: string;
  state: HealthState;
  reason: string;
  details: Record<string, string | number | boolean | null>;
}

/** Thresholds, in one place (docs: README, System health). */
export const HEALTH_THRESHOLDS = {
  dbLatencyMs: 250,
  connectionsShare: 0.8,
  queueOldestMinutes: 15,
  stripePollStaleMinutes: 10,
  smsErrorRate: 0.05,
  webhookFailureRate: 0.2,
  sweeperLagMinutes: 5,
};

const MIN = 60_000;

async function safe<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch {
    return null;
  }
}

const ago = (now: Date, at: Date | null) => (at ? Math.round((now.getTime() - new Date(at).getTime()) / MIN) : null);

export async function getSystemHealth(services: { db: Database; clock: Clock; billingConfigured: boolean }): Promise<{ checkedAt: Date; overall: HealthState; checks: HealthCheck[] }> {
  const { db, clock } = services;
  const now = clock.now();
  const checks: HealthCheck[] = [];

  // Database: kind, round-trip latency, size and connections.
  const started = performance.now();
  await db.query('select 1');
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const size = await safe(async () => Number((await db.query<{ s: string }>('select pg_database_size(current_database())::text as s'))[0]!.s));
  const conn = await safe(async () => {
    const [r] = await db.query<{ used: string; max: string }>(`select (select count(*) from pg_stat_activity where datname = current_database())::text as used, current_setting('max_connections') as max`);
    return { used: Number(r!.used), max: Number(r!.max) };
  });
  const dbProblems = [
    latencyMs > HEALTH_THRESHOLDS.dbLatencyMs ? `a round trip takes ${latencyMs} ms (over ${HEALTH_THRESHOLDS.dbLatencyMs} ms)` : null,
    conn && conn.max > 0 && conn.used / conn.max > HEALTH_THRESHOLDS.connectionsShare ? `${conn.used} of ${conn.max} connections in use` : null,
  ].filter(Boolean);
  checks.push({
    key: 'database',
    label: 'Database',
    state: dbProblems.length ? 'degraded' : 'healthy',
    reason: dbProblems.length ? `Slow or crowded: ${dbProblems.join('; ')}.` : `${db.kind === 'pglite' ? 'Embedded PGlite' : 'PostgreSQL'} answers in ${latencyMs} ms.`,
    details: { kind: db.kind, latencyMs, sizeBytes: size, connections: conn?.used ?? null, maxConnections: conn?.max ?? null },
  });

  // Migrations: every one recorded, none failed.
  const migrations = await db.query<{ applied: string; failed: string; latest: string | null; latest_at: Date | null }>(
    `select count(*) filter (where finished_at is not null and rolled_back_at is null)::text as applied,
            count(*) filter (where finished_at is null and rolled_back_at is null)::text as failed,
            max(migration_name) as latest, max(finished_at) as latest_at
       from _prisma_migrations`,
  );
  const m = migrations[0]!;
  const failed = Number(m.failed);
  checks.push({
    key: 'migrations',
    label: 'Migrations',
    state: failed ? 'degraded' : 'healthy',
    reason: failed ? `${failed} migration(s) started and never finished: read the server log, fix, and restart.` : `${m.applied} applied; the latest is ${m.latest ?? 'none'}.`,
    details: { applied: Number(m.applied), failed, latest: m.latest, knownAtStart: db.migrations.applied },
  });

  // Job queues: depth, failures and the oldest waiting job of each durable queue.
  const queues = await db.query<{ queue: string; depth: string; failures: string; oldest: Date | null }>(
    `select 'overage_reports' as queue, count(*) filter (where status = 'pending')::text as depth, count(*) filter (where status = 'failed')::text as failures,
            min(created_at) filter (where status = 'pending') as oldest from overage_reports
     union all
     select 'webhook_deliveries', count(*) filter (where status in ('pending', 'delivering'))::text, count(*) filter (where status = 'failed' and completed_at > $1)::text,
            min(next_attempt_at) filter (where status in ('pending', 'delivering')) from webhook_deliveries
     union all
     select 'billing_events', '0', count(*) filter (where status = 'failed')::text, min(created_at) filter (where status = 'failed') from billing_events
     union all
     select 'alert_dispatch', count(*) filter (where dispatched_at is null)::text, '0', min(fired_at) filter (where dispatched_at is null) from alert_firings
     union all
     select 'campaign_messages', count(*) filter (where status in ('queued', 'sending'))::text, count(*) filter (where status = 'failed' and updated_at > $1)::text,
            min(updated_at) filter (where status in ('queued', 'sending') and (not_before is null or not_before <= $2)) from campaign_messages`,
    [new Date(now.getTime() - 24 * 60 * MIN), now],
  );
  for (const q of queues) {
    const depth = Number(q.depth);
    const failures = Number(q.failures);
    const oldestMinutes = ago(now, q.oldest);
    const stuck = q.queue !== 'billing_events' && oldestMinutes !== null && oldestMinutes > HEALTH_THRESHOLDS.queueOldestMinutes;
    const reasons = [failures ? `${failures} failed${q.queue === 'billing_events' || q.queue === 'overage_reports' ? '' : ' in 24 h'}` : null, stuck ? `the oldest job has waited ${oldestMinutes} min` : null].filter(Boolean);
    checks.push({
      key: `queue:${q.queue}`,
      label: `Queue: ${q.queue.replace(/_/g, ' ')}`,
      state: reasons.length ? 'degraded' : 'healthy',
      reason: reasons.length ? `${reasons.join('; ')}.` : depth ? `${depth} waiting, moving.` : 'Empty.',
      details: { depth, failures, oldestAt: q.oldest ? new Date(q.oldest).toISOString() : null, oldestMinutes },
    });
  }

  // Stripe: the poller's last run and how far behind the newest event is.
  const sync = await db.prisma.billingSyncState.findUnique({ where: { provider: 'stripe' } });
  const [lastEvent] = await db.query<{ at: Date | null; failed: string }>(`select max(provider_created) as at, count(*) filter (where status = 'failed')::text as failed from billing_events`);
  const lastRunMinutes = ago(now, sync?.lastRunAt ?? null);
  const eventLagMinutes = sync?.lastRunAt && lastEvent?.at ? Math.round((new Date(sync.lastRunAt).getTime() - new Date(lastEvent.at).getTime()) / MIN) : null;
  let stripeState: HealthState = 'healthy';
  let stripeReason: string;
  if (!services.billingConfigured && !sync) stripeReason = 'Stripe is not configured: nothing to watch.';
  else if (sync?.lastError) (stripeState = 'degraded'), (stripeReason = `The last poll failed: ${sync.lastError.slice(0, 200)}`);
  else if (services.billingConfigured && (lastRunMinutes === null || lastRunMinutes > HEALTH_THRESHOLDS.stripePollStaleMinutes))
    (stripeState = 'degraded'), (stripeReason = lastRunMinutes === null ? 'Stripe is configured but events were never polled.' : `The last poll was ${lastRunMinutes} min ago.`);
  else stripeReason = sync?.lastRunAt ? `Last poll ${lastRunMinutes} min ago.` : 'Events arrive by webhook.';
  checks.push({
    key: 'stripe',
    label: 'Stripe events',
    state: stripeState,
    reason: stripeReason,
    details: { configured: services.billingConfigured, lastPollAt: sync?.lastRunAt?.toISOString() ?? null, lastEventAt: lastEvent?.at ? new Date(lastEvent.at).toISOString() : null, eventLagMinutes, failedEvents: Number(lastEvent?.failed ?? 0) },
  });

  // SMS: the provider's answers for campaign messages of the last 24 hours.
  const [sms] = await db.query<{ sent: string; failed: string; unknown: string }>(
    `select count(*) filter (where status in ('sent', 'delivered'))::text as sent, count(*) filter (where status = 'failed')::text as failed, count(*) filter (where status = 'unknown')::text as unknown
       from campaign_messages where updated_at > $1`,
    [new Date(now.getTime() - 24 * 60 * MIN)],
  );
  const smsTotal = Number(sms!.sent) + Number(sms!.failed) + Number(sms!.unknown);
  const smsRate = smsTotal ? (Number(sms!.failed) + Number(sms!.unknown)) / smsTotal : 0;
  checks.push({
    key: 'sms',
    label: 'SMS provider',
    state: smsRate > HEALTH_THRESHOLDS.smsErrorRate ? 'degraded' : 'healthy',
    reason: smsTotal ? `${(smsRate * 100).toFixed(1)} % of ${smsTotal} sends in 24 h failed or are unknown${smsRate > HEALTH_THRESHOLDS.smsErrorRate ? ` (over ${HEALTH_THRESHOLDS.smsErrorRate * 100} %)` : ''}.` : 'No sends in the last 24 h.',
    details: { sent: Number(sms!.sent), failed: Number(sms!.failed), unknown: Number(sms!.unknown), errorRate: smsRate },
  });

  // Outbound webhooks: deliveries finished in 24 hours, and endpoints switched off for failing.
  const [wh] = await db.query<{ ok: string; failed: string; disabled: string }>(
    `select (select count(*) from webhook_deliveries where status = 'succeeded' and completed_at > $1)::text as ok,
            (select count(*) from webhook_deliveries where status = 'failed' and completed_at > $1)::text as failed,
            (select count(*) from webhook_endpoints where not enabled and disabled_at > $1)::text as disabled`,
    [new Date(now.getTime() - 24 * 60 * MIN)],
  );
  const whTotal = Number(wh!.ok) + Number(wh!.failed);
  const whRate = whTotal ? Number(wh!.failed) / whTotal : 0;
  const whBad = whRate > HEALTH_THRESHOLDS.webhookFailureRate || Number(wh!.disabled) > 0;
  checks.push({
    key: 'webhooks',
    label: 'Outbound webhooks',
    state: whBad ? 'degraded' : 'healthy',
    reason: whTotal || Number(wh!.disabled) ? `${wh!.failed} of ${whTotal} deliveries failed in 24 h; ${wh!.disabled} endpoint(s) switched off for failing.` : 'No deliveries in the last 24 h.',
    details: { succeeded: Number(wh!.ok), failed: Number(wh!.failed), endpointsDisabled: Number(wh!.disabled), failureRate: whRate },
  });

  // Reservation sweeper: pending reservations long past their expiry mean it is not running.
  const [sweep] = await db.query<{ overdue: string; oldest: Date | null }>(
    `select count(*)::text as overdue, min(expires_at) as oldest from usage_reservations where status = 'pending' and expires_at < $1`,
    [new Date(now.getTime() - HEALTH_THRESHOLDS.sweeperLagMinutes * MIN)],
  );
  const overdue = Number(sweep!.overdue);
  checks.push({
    key: 'reservation_sweeper',
    label: 'Reservation sweeper',
    state: overdue ? 'degraded' : 'healthy',
    reason: overdue ? `${overdue} reservation(s) expired more than ${HEALTH_THRESHOLDS.sweeperLagMinutes} min ago are still held: the sweeper is not keeping up.` : 'No expired reservation is held.',
    details: { overdue, oldestExpiredAt: sweep!.oldest ? new Date(sweep!.oldest).toISOString() : null },
  });

  return { checkedAt: now, overall: checks.some((c) => c.state === 'degraded') ? 'degraded' : 'healthy', checks };
}
