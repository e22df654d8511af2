// The figures a usage report shows — in the PDF, and as report.json inside an export pack so the
// pack can be viewed with no database: totals against limits, each metric's daily series, per team,
// per person, and cost by country and channel. One scan of the ledger (grouping sets) for all of it.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { METRICS, type MetricKey } from '../metering/metrics';
import { getUsageOverview } from '../usage/get-usage-overview';
import { CHANNEL_SQL, scopeCondition, scopeParams, type ExportTarget } from './export-target';

export interface ReportLine {
  key: string;
  label: string;
  metric: string;
  events: number;
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

export async function getUsageReportData(db: Database, actor: Actor & { name: string }, target: ExportTarget, clock: Clock): Promise<UsageReportData> {
  const overview = await getUsageOverview(db, actor, { scope: target.scope.kind, id: target.scope.kind === 'organization' ? undefined : target.scope.id, period: target.period }, clock);
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
  const line = (r: Row, key: string, label: string): ReportLine => ({ key, label, metric: r.metric, events: Number(r.events), quantity: Number(r.quantity), costMicros: Number(r.cost ?? 0), priceMicros: Number(r.price ?? 0) });
  // grouping() bits, most significant first: day, team_id, user_id, country, channel (1 = not grouped by it).
  const by = (bit: number) => rows.filter((r) => r.g === (0b11111 & ~(1 << bit)));
  const sums = rows.filter((r) => r.g === 0b11111);
  const currency = rows.find((r) => r.currency)?.currency ?? 'usd';
  const sortLines = (a: ReportLine, b: ReportLine) => a.label.localeCompare(b.label) || a.metric.localeCompare(b.metric);
  return {
    format: 'meterdesk-usage-report',
    version: 1,
    organization: { id: target.organizationId, name: target.organizationName },
    scope: target.scope,
    period: { month: target.period, start: target.start.toISOString(), end: target.end.toISOString() },
    plan: target.planName,
    generatedAt: clock.now().toISOString(),
    generatedBy: { id: actor.userId, name: actor.name },
    currency,
    totals: overview.metrics
      .map((m) => {
        const s = sums.find((r) => r.metric === m.metric);
        return {
          metric: m.metric,
          label: m.label,
          unit: m.unit,
          events: Number(s?.events ?? 0),
          quantity: Number(s?.quantity ?? 0),
          limit: m.limit,
          percent: m.limit === null ? null : m.limit === 0 ? null : (Number(s?.quantity ?? 0) / m.limit) * 100,
          costMicros: Number(s?.cost ?? 0),
          priceMicros: Number(s?.price ?? 0),
        };
      })
      .filter((m) => m.events > 0 || m.limit !== null),
    daily: by(4).map((r) => ({ metric: r.metric, day: r.day!, quantity: Number(r.quantity) })).sort((a, b) => a.metric.localeCompare(b.metric) || a.day.localeCompare(b.day)),
    teams: by(3).map((r) => line(r, r.team_id ?? '', r.team_id ? (r.team_name ?? 'Deleted team') : 'No team')).sort(sortLines),
    people: by(2).map((r) => line(r, r.user_id ?? '', r.user_id ? (r.user_name ?? 'Former member') : 'Nobody (system)')).sort(sortLines),
    countries: by(1).map((r) => line(r, r.country ?? '—', r.country ?? '—')).sort(sortLines),
    channels: by(0).map((r) => line(r, r.channel ?? 'Other', r.channel ?? 'Other')).sort(sortLines),
  };
}

export function metricLabel(metric: string) {
  return METRICS[metric as MetricKey]?.label ?? metric;
}

/** Minor-unit-free money for display: micros in `currency` → "12.34 USD". */
export function formatMicros(micros: number, currency: string) {
  return `${(micros / 1_000_000).toFixed(2)} ${currency.toUpperCase()}`;
}
