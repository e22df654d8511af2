// Announces alerts that fired: in-app notifications and webhook events in one transaction with
// marking the firing dispatched (so a sweep in another process finishes what a crash left, and
// nothing is announced twice), then emails. When one check crosses several thresholds of the same
// scope at once (50, 75 and 80 %), only the highest is announced; the others are marked dispatched.
// Emails go from 75 % up (seed 003: 50 % is an in-app notice), for spikes and for blocked sends.
import { logUnexpectedError } from '../logging/log-error';
import { createNotifications, emailPeople, type Recipient } from '../notifications/notify-people';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event';
import { responsiblePeople, scopeName, usageLink, type AlertScope } from './alert-recipients';
import { alertEmail, notificationText, type AlertFacts } from './alert-messages';
import type { AlertServices } from './alert-services';

export const EMAIL_FROM_THRESHOLD = 75;
/** Prisma's 5 s default is short on a busy machine; a firing left undispatched waits for the sweep. */
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 };

interface FiringRow {
  organization_id: string;
  id: string;
  kind: AlertFacts['kind'];
  scope: AlertScope;
  scope_id: string;
  metric: string;
  period_start: Date;
  threshold: number;
  used: string;
  limit: string | null;
  organization_name: string;
  spike_multiplier: number;
  period_end: Date;
  billing_period_start: Date;
}

/** Dispatches undispatched firings (these ids, or any); returns how many announcements went out. */
export async function dispatchAlertFirings(services: AlertServices, filter: { organizationId?: string; ids?: string[] } = {}, limit = 200): Promise<number> {
  const { db } = services;
  const rows = await db.query<FiringRow>(
    `select f.organization_id, f.id, f.kind, f.scope, f.scope_id, f.metric, f.period_start, f.threshold, f.used, f."limit",
            o.name as organization_name, o.spike_multiplier,
            meterdesk_period_start(s.billing_anchor, f.fired_at) as billing_period_start,
            meterdesk_period_start(s.billing_anchor, meterdesk_period_start(s.billing_anchor, f.fired_at) + interval '32 days') as period_end
       from alert_firings f join organizations o on o.id = f.organization_id
       left join subscriptions s on s.organization_id = f.organization_id
      where f.dispatched_at is null and ($1::uuid is null or f.organization_id = $1::uuid) and ($2::uuid[] is null or f.id = any($2::uuid[]))
      order by f.fired_at, f.threshold
      limit $3`,
    [filter.organizationId ?? null, filter.ids ?? null, limit],
  );
  if (rows.length === 0) return 0;

  // Group thresholds of one scope, metric and period: the highest speaks for them.
  const groups = new Map<string, FiringRow[]>();
  for (const r of rows) {
    const key = r.kind === 'threshold' ? `${r.organization_id}|${r.scope}|${r.scope_id}|${r.metric}|${new Date(r.period_start).toISOString()}` : r.id;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  let announced = 0;
  for (const group of groups.values()) {
    try {
      announced += await announce(services, group);
    } catch (error) {
      logUnexpectedError(`alert dispatch ${group[0]!.id}`, error);
    }
  }
  return announced;
}

async function announce(services: AlertServices, group: FiringRow[]): Promise<number> {
  const { db, clock } = services;
  const top = group.reduce((a, b) => (b.threshold > a.threshold ? b : a));
  const orgId = top.organization_id;
  const now = clock.now();
  const facts: AlertFacts = {
    kind: top.kind,
    scope: top.scope,
    scopeName: await scopeName(db, orgId, top.scope, top.scope_id),
    organizationName: top.organization_name,
    metric: top.metric,
    threshold: top.threshold,
    used: Number(top.used),
    limit: top.limit === null ? null : Number(top.limit),
    periodStart: new Date(top.kind === 'threshold' ? top.period_start : top.billing_period_start),
    periodEnd: new Date(top.period_end),
    now,
    spikeMultiplier: top.spike_multiplier,
  };
  const people: Recipient[] = await responsiblePeople(db, orgId, top.scope, top.scope_id);
  const link = usageLink(top.scope, top.scope_id, top.metric);
  const { title, body } = notificationText(facts);

  const claimed = await db.prisma.$transaction(async (tx) => {
    // Whoever locks the firings announces them; another process's sweep skips them.
    const locked = await tx.$queryRawUnsafe<{ id: string }[]>(
      `select id from alert_firings where organization_id = $1::uuid and id = any($2::uuid[]) and dispatched_at is null for update skip locked`,
      orgId,
      group.map((g) => g.id),
    );
    if (!locked.some((l) => l.id === top.id)) return false;
    await createNotifications(tx, orgId, people, { kind: `usage.${top.kind}`, title, body, link, alertFiringId: top.id }, now);
    const scopeData = { type: top.scope, id: top.scope_id, name: facts.scopeName };
    const event =
      top.kind === 'threshold'
        ? { type: 'usage.threshold_reached' as const, data: { scope: scopeData, metric: top.metric, threshold: top.threshold, used: facts.used, limit: facts.limit, periodStart: facts.periodStart, periodEnd: facts.periodEnd } }
        : top.kind === 'spike'
          ? { type: 'usage.spike' as const, data: { scope: scopeData, metric: top.metric, day: new Date(top.period_start).toISOString().slice(0, 10), quantity: facts.used, trailingDailyAverage: facts.limit, multiplier: facts.spikeMultiplier } }
          : { type: 'usage.limit_blocked' as const, data: { scope: scopeData, metric: top.metric, day: new Date(top.period_start).toISOString().slice(0, 10), limit: facts.limit } };
    await enqueueWebhookEvent(tx, orgId, event.type, event.data, now);
    await tx.$executeRawUnsafe(`update alert_firings set dispatched_at = $3 where organization_id = $1::uuid and id = any($2::uuid[])`, orgId, locked.map((l) => l.id), now);
    return true;
  }, TX_OPTIONS);
  if (!claimed) return 0;
  if (top.kind !== 'threshold' || top.threshold >= EMAIL_FROM_THRESHOLD) {
    const url = services.consoleUrl ? `${services.consoleUrl.replace(/\/$/, '')}/#/${link}` : null;
    await emailPeople(services.mailer, orgId, people, (r) => alertEmail(facts, r.name, url));
  }
  return 1;
}
