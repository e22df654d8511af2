// The figures a usage report shows — in the PDF, and as report.json inside an export pack so the
// pack can be viewed with no database: totals against limits, each metric's daily series, per team,
// per person, and cost by country and channel. An organization's month comes mostly from the daily
// rollups (figuresFromRollups); a team's or a person's from one scan of their events.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { METRICS, type MetricKey } from '../metering/metrics';
import { getUsageOverview } from '../usage/get-usage-overview';
import { isoDay } from '../usage/usage-period';
import { CHANNEL_SQL, channelOf, scopeCondition, scopeParams, type ExportTarget } from './export-target';

export interface ReportLine {
  key: string;
  label: string;
  metric: string;
  /** null: not counted (a person's line in an organization's report, built from the rollups). */
  events: number | null;
  quantity: number;
  costMicros: number;
  priceMicros: number;
}

export interface UsageReportData {
  format: 'meterdesk-usage-report';
  version: 1;
  organization: { id: string; name: string };
  scope: { kind: string; id: string; name: string };
  period: { month: string; start: string; end: string };
  plan: string;
  generatedAt: string;
  generatedBy: { id: string; name: string };
  currency: string;
  totals: { metric: string; label: string; unit: string; events: number; quantity: number; limit: number | null; percent: number | null; costMicros: number; priceMicros: number }[];
  daily: { metric: string; day: string; quantity: number }[];
  teams: ReportLine[];
  people: ReportLine[];
  countries: ReportLine[];
  channels: ReportLine[];
}

type Row = { g: number; metric: string; day: string | null; team_id: string | null; team_name: string | null; user_id: string | null; user_name: string | null; country: string | null; channel: string | null; events: string; quantity: string; cost: string | null; price: string | null; currency: string | null };

/** The report's figures, before they meet the limits. */
export interface ReportFigures {
  currency: string;
  /** Per metric: events, quantity, cost and price. */
  sums: ReportLine[];
  daily: UsageReportData['daily'];
  teams: ReportLine[];
  people: ReportLine[];
  countries: ReportLine[];
  channels: ReportLine[];
}

const line = (key: string, label: string, metric: string, r: { events: string | number | null; quantity: string | number; cost: string | number | null; price: string | number | null }): ReportLine => ({
  key,
  label,
  metric,
  events: r.events === null ? null : Number(r.events),
  quantity: Number(r.quantity),
  costMicros: Number(r.cost ?? 0),
  priceMicros: Number(r.price ?? 0),
});
const sortLines = (a: ReportLine, b: ReportLine) => a.label.localeCompare(b.label) || a.metric.localeCompare(b.metric);
const NO_TEAM = 'No team';
const NOBODY = 'Nobody (system)';

/**
 * The figures from the ledger alone: one scan of the scope's events with grouping sets. Exact for
 * any scope and period; used for a team or a person (their events are few, found by index) and for a
 * period that does not start and end at UTC midnight (the rollups are per UTC day).
 */
export async function figuresFromLedger(db: Database, target: ExportTarget): Promise<ReportFigures> {
  const rows = await db.query<Row>(
    `select grouping(x.day, x.team_id, x.user_id, x.country, x.channel) as g, x.metric, x.day::text as day, x.team_id::text as team_id, max(t.name) as team_name,
            x.user_id::text as user_id, max(coalesce(nullif(u.name, ''), u.email)) as user_name, x.country, x.channel,
            count(*)::text as events, sum(x.quantity)::text as quantity, sum(x.cost_micros)::text as cost, sum(x.price_micros)::text as price, max(x.currency) as currency
       from (select e.metric, (e.occurred_at at time zone 'UTC')::date as day, e.team_id, e.user_id, coalesce(nullif(e.metadata->>'country', ''), '—') as country,
                    ${CHANNEL_SQL} as channel, e.quantity, e.cost_micros, e.price_micros, e.currency
               from usage_events e where ${scopeCondition(target)}) x
       left join teams t on t.organization_id = $1 and t.id = x.team_id
       left join users u on u.id = x.user_id
      group by grouping sets ((x.metric), (x.metric, x.day), (x.metric, x.team_id), (x.metric, x.user_id), (x.metric, x.country), (x.metric, x.channel))`,
    scopeParams(target),
  );
  // grouping() bits, most significant first: day, team_id, user_id, country, channel (1 = not grouped by it).
  const by = (bit: number) => rows.filter((r) => r.g === (0b11111 & ~(1 << bit)));
  return {
    currency: rows.find((r) => r.currency)?.currency ?? 'usd',
    sums: rows.filter((r) => r.g === 0b11111).map((r) => line(r.metric, r.metric, r.metric, r)),
    daily: by(4).map((r) => ({ metric: r.metric, day: r.day!, quantity: Number(r.quantity) })).sort((a, b) => a.metric.localeCompare(b.metric) || a.day.localeCompare(b.day)),
    teams: by(3).map((r) => line(r.team_id ?? '', r.team_id ? (r.team_name ?? 'Deleted team') : NO_TEAM, r.metric, r)).sort(sortLines),
    people: by(2).map((r) => line(r.user_id ?? '', r.user_id ? (r.user_name ?? 'Former member') : NOBODY, r.metric, r)).sort(sortLines),
    countries: by(1).map((r) => line(r.country ?? '—', r.country ?? '—', r.metric, r)).sort(sortLines),
    channels: by(0).map((r) => line(r.channel ?? 'Other', r.channel ?? 'Other', r.metric, r)).sort(sortLines),
  };
}

/**
 * An organization's figures without a full scan of its month: the days and the people from
 * usage_daily_rollups (kept with ingestion, in the ledger's transaction), and from the ledger only
 * what the rollups do not hold, in one lean hashed scan with few groups and no joins — events
 * counted, and quantity, cost and price by team and by country (attributed to no team or no person
 * included) — and a second lean scan counting each person's events (the rollups count quantities,
 * not events). Needs a period that starts and ends at UTC midnight.
 */
export async function figuresFromRollups(db: Database, target: ExportTarget): Promise<ReportFigures> {
  const params = scopeParams(target);
  const [scan, days, people, personEvents] = await Promise.all([
    db.query<{ metric: string; team_id: string | null; team_name: string | null; country: string; nobody: boolean; events: string; quantity: string; cost: string | null; price: string | null; currency: string | null }>(
      `select x.metric, x.team_id::text as team_id, t.name as team_name, x.country, x.nobody, x.events::text as events, x.quantity::text as quantity, x.cost::text as cost, x.price::text as price, x.currency
         from (select e.metric, e.team_id, coalesce(nullif(e.metadata->>'country', ''), '—') as country, e.user_id is null as nobody,
                      count(*) as events, sum(e.quantity) as quantity, sum(e.cost_micros) as cost, sum(e.price_micros) as price, max(e.currency) as currency
                 from usage_events e where ${scopeCondition(target)} group by 1, 2, 3, 4) x
         left join teams t on t.organization_id = $1 and t.id = x.team_id`,
      params,
    ),
    db.query<{ metric: string; day: string; quantity: string }>(
      `select metric, to_char(day, 'YYYY-MM-DD') as day, quantity::text as quantity from usage_daily_rollups
        where organization_id = $1 and scope = 'organization' and scope_id = $1 and day >= $2::date and day < $3::date
        order by metric, day`,
      [target.organizationId, isoDay(target.start), isoDay(target.end)],
    ),
    db.query<{ metric: string; user_id: string; user_name: string | null; quantity: string; cost: string; price: string }>(
      `select r.metric, r.user_id::text as user_id, coalesce(nullif(u.name, ''), u.email) as user_name, r.quantity::text as quantity, r.cost::text as cost, r.price::text as price
         from (select scope_id as user_id, metric, sum(quantity) as quantity, sum(cost_micros) as cost, sum(price_micros) as price from usage_daily_rollups
                where organization_id = $1 and scope = 'user' and day >= $2::date and day < $3::date group by scope_id, metric) r
         left join users u on u.id = r.user_id`,
      [target.organizationId, isoDay(target.start), isoDay(target.end)],
    ),
    db.query<{ metric: string; user_id: string; events: string }>(
      `select e.metric, e.user_id::text as user_id, count(*)::text as events from usage_events e
        where ${scopeCondition(target)} and e.user_id is not null group by 1, 2`,
      params,
    ),
  ]);
  const eventsOf = new Map(personEvents.map((r) => [`${r.user_id}\u0000${r.metric}`, Number(r.events)]));
  const add = (into: Map<string, ReportLine>, key: string, label: string, metric: string, r: { events: string; quantity: string; cost: string | null; price: string | null }) => {
    const k = `${key}\u0000${metric}`;
    const l = into.get(k) ?? line(key, label, metric, { events: 0, quantity: 0, cost: 0, price: 0 });
    l.events = (l.events ?? 0) + Number(r.events);
    l.quantity += Number(r.quantity);
    l.costMicros += Number(r.cost ?? 0);
    l.priceMicros += Number(r.price ?? 0);
    into.set(k, l);
  };
  const sums = new Map<string, ReportLine>();
  const teams = new Map<string, ReportLine>();
  const countries = new Map<string, ReportLine>();
  const channels = new Map<string, ReportLine>();
  const nobody = new Map<string, ReportLine>();
  for (const r of scan) {
    add(sums, r.metric, r.metric, r.metric, r);
    add(teams, r.team_id ?? '', r.team_id ? (r.team_name ?? 'Deleted team') : NO_TEAM, r.metric, r);
    add(countries, r.country, r.country, r.metric, r);
    add(channels, channelOf(r.metric), channelOf(r.metric), r.metric, r);
    if (r.nobody) add(nobody, '', NOBODY, r.metric, r);
  }
  return {
    currency: scan.find((r) => r.currency)?.currency ?? 'usd',
    sums: [...sums.values()],
    daily: days.map((d) => ({ metric: d.metric, day: d.day, quantity: Number(d.quantity) })),
    teams: [...teams.values()].sort(sortLines),
    people: [...people.map((r) => line(r.user_id, r.user_name ?? 'Former member', r.metric, { ...r, events: eventsOf.get(`${r.user_id}\u0000${r.metric}`) ?? 0 })), ...nobody.values()].sort(sortLines),
    countries: [...countries.values()].sort(sortLines),
    channels: [...channels.values()].sort(sortLines),
  };
}

const DAY = 86_400_000;
const atMidnight = (d: Date) => d.getTime() % DAY === 0;

export async function getUsageReportData(db: Database, actor: Actor & { name: string }, target: ExportTarget, clock: Clock): Promise<UsageReportData> {
  const fromRollups = target.scope.kind === 'organization' && atMidnight(target.start) && atMidnight(target.end);
  const [overview, figures] = await Promise.all([
    getUsageOverview(db, actor, { scope: target.scope.kind, id: target.scope.kind === 'organization' ? undefined : target.scope.id, period: target.period }, clock),
    fromRollups ? figuresFromRollups(db, target) : figuresFromLedger(db, target),
  ]);
  return {
    format: 'meterdesk-usage-report',
    version: 1,
    organization: { id: target.organizationId, name: target.organizationName },
    scope: target.scope,
    period: { month: target.period, start: target.start.toISOString(), end: target.end.toISOString() },
    plan: target.planName,
    generatedAt: clock.now().toISOString(),
    generatedBy: { id: actor.userId, name: actor.name },
    currency: figures.currency,
    totals: overview.metrics
      .map((m) => {
        const s = figures.sums.find((r) => r.metric === m.metric);
        const quantity = s?.quantity ?? 0;
        return {
          metric: m.metric,
          label: m.label,
          unit: m.unit,
          events: s?.events ?? 0,
          quantity,
          limit: m.limit,
          percent: m.limit === null ? null : m.limit === 0 ? null : (quantity / m.limit) * 100,
          costMicros: s?.costMicros ?? 0,
          priceMicros: s?.priceMicros ?? 0,
        };
      })
      .filter((m) => m.events > 0 || m.limit !== null),
    daily: figures.daily,
    teams: figures.teams,
    people: figures.people,
    countries: figures.countries,
    channels: figures.channels,
  };
}

export function metricLabel(metric: string) {
  return METRICS[metric as MetricKey]?.label ?? metric;
}

/** Minor-unit-free money for display: micros in `currency` → "12.34 USD". */
export function formatMicros(micros: number, currency: string) {
  return `${(micros / 1_000_000).toFixed(2)} ${currency.toUpperCase()}`;
}
