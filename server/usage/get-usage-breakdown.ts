import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { Actor } from '../members/member-scope';
import { METRIC_KEYS, METRICS } from '../metering/metrics';
import { getAccountState } from '../metering/get-usage-state';
import { isoDay, periodSchema, resolveUsagePeriod } from './usage-period';
import { resolveUsageScope, usageReach } from './usage-reach';

export const usageBreakdownInput = z.object({
  scope: z.enum(['organization', 'team', 'user']),
  id: z.uuid('id must be a team or user id').optional(),
  metric: z.enum(METRIC_KEYS),
  period: periodSchema.optional(),
  /** The organization by team (default) or by person; a team is always by person. */
  by: z.enum(['team', 'person']).default('team'),
  /** How many of the largest get a series of their own in the chart; the rest are "Other". */
  top: z.number().int().min(1).max(12).default(6),
});

/** Rows in the table of people for the whole organization: the largest users first. */
export const MAX_PEOPLE_ROWS = 100;

interface Row {
  id: string;
  name: string;
  /** People only: their membership, for editing their limits. */
  membershipId: string | null;
  used: number;
  limit: number | null;
  percent: number | null;
  costMicros: number;
  priceMicros: number;
}

/**
 * A scope's usage of one metric split by its teams or people, with the daily series stacked by
 * the largest of them (the rest as "Other"), and the period before for comparison. Counters and
 * daily rollups only. A manager's team shows only the people they may see; a person has no split.
 */
export async function getUsageBreakdown(db: Database, actor: Actor, input: z.output<typeof usageBreakdownInput>, clock: Clock) {
  const now = clock.now();
  const org = actor.organizationId;
  const reach = await usageReach(db, actor);
  const scope = await resolveUsageScope(db, actor, reach, input.scope, input.id);
  const { account } = await resolveUsagePeriod(db, org, input.period, now);
  const previous = (await getAccountState(db, org, new Date(account.periodStart.getTime() - 1)))!;
  const childScope = scope.kind === 'organization' && input.by === 'team' ? 'team' : scope.kind === 'user' ? null : 'user';
  const gauge = METRICS[input.metric].aggregation === 'max';
  const fromDay = isoDay(account.periodStart);
  const toDay = isoDay(new Date(account.periodEnd.getTime() + 86_399_999));

  // 1. The children: teams of the organization, or people (of the team, or the largest of the organization).
  let rows: Row[] = [];
  if (childScope === 'team') {
    rows = await childRows(db, `select t.id, t.name, null::uuid as membership_id from teams t where t.organization_id = $1 and (t.archived_at is null or exists (select 1 from usage_counters c where c.organization_id = $1 and c.scope = 'team' and c.scope_id = t.id and c.metric = $2 and c.period_start = $3 and c.used > 0))`, 'team', org, input.metric, account.periodStart, fromDay, toDay);
  } else if (childScope === 'user' && scope.kind === 'team') {
    const visible = reach.level === 'team' ? reach.userIds : null;
    rows = await childRows(
      db,
      `select u.id, coalesce(nullif(u.name, ''), u.email) as name, m.id as membership_id
         from team_memberships tm join memberships m on m.organization_id = tm.organization_id and m.user_id = tm.user_id join users u on u.id = tm.user_id
        where tm.organization_id = $1 and tm.team_id = $6::uuid and ($7::uuid[] is null or tm.user_id = any($7::uuid[]))`,
      'user',
      org,
      input.metric,
      account.periodStart,
      fromDay,
      toDay,
      [scope.id, visible],
    );
  } else if (childScope === 'user') {
    // The whole organization by person: the largest users this period, from the counters.
    rows = await childRows(
      db,
      `select u.id, coalesce(nullif(u.name, ''), u.email) as name, m.id as membership_id
         from (select scope_id from usage_counters where organization_id = $1 and scope = 'user' and metric = $2 and period_start = $3 and used > 0 order by used desc, scope_id limit ${MAX_PEOPLE_ROWS}) top
         join memberships m on m.organization_id = $1 and m.user_id = top.scope_id join users u on u.id = top.scope_id`,
      'user',
      org,
      input.metric,
      account.periodStart,
      fromDay,
      toDay,
    );
  }
  rows.sort((a, b) => b.used - a.used || a.name.localeCompare(b.name));

  // 2. Daily series of the scope itself, this period and the one before.
  const daily = async (from: string, to: string) =>
    db.query<{ day: string; quantity: string }>(
      `select to_char(day, 'YYYY-MM-DD') as day, quantity from usage_daily_rollups
        where organization_id = $1 and scope = $2::"CounterScope" and scope_id = $3 and metric = $4 and day >= $5::date and day < $6::date order by day`,
      [org, scope.kind, scope.id, input.metric, from, to],
    );
  const totalDays = await daily(fromDay, toDay);
  const previousDays = await daily(isoDay(previous.periodStart), fromDay);

  // 3. The largest children's daily series; the rest is the scope's total minus theirs ("Other").
  const top = rows.filter((r) => r.used > 0).slice(0, input.top);
  const topDays = top.length
    ? await db.query<{ scope_id: string; day: string; quantity: string }>(
        `select scope_id, to_char(day, 'YYYY-MM-DD') as day, quantity from usage_daily_rollups
          where organization_id = $1 and scope = $2::"CounterScope" and scope_id = any($3::uuid[]) and metric = $4 and day >= $5::date and day < $6::date`,
        [org, childScope, top.map((t) => t.id), input.metric, fromDay, toDay],
      )
    : [];
  const days: string[] = [];
  for (let d = new Date(`${fromDay}T00:00:00Z`); isoDay(d) < toDay && d <= now; d = new Date(d.getTime() + 86_400_000)) days.push(isoDay(d));
  const totalByDay = new Map(totalDays.map((r) => [r.day, Number(r.quantity)]));
  const series = days.map((day) => {
    const point: Record<string, number | string> = { day };
    let named = 0;
    for (const t of top) {
      const q = Number(topDays.find((r) => r.scope_id === t.id && r.day === day)?.quantity ?? 0);
      point[t.id] = q;
      named += q;
    }
    // A gauge's daily value is a level, not a sum: "Other" only makes sense for flows.
    point.other = gauge ? 0 : Math.max(0, (totalByDay.get(day) ?? 0) - named);
    point.total = totalByDay.get(day) ?? 0;
    return point;
  });

  // 4. Period over period: cumulative usage by day of the period, this one beside the one before.
  const previousByIndex = previousDays.map((r) => ({ index: Math.round((Date.parse(`${r.day}T00:00:00Z`) - Date.parse(`${isoDay(previous.periodStart)}T00:00:00Z`)) / 86_400_000), quantity: Number(r.quantity) }));
  const length = Math.max(days.length, Math.round((account.periodEnd.getTime() - account.periodStart.getTime()) / 86_400_000));
  let cumCurrent = 0;
  let cumPrevious = 0;
  const comparison = Array.from({ length }, (_, i) => {
    const day = isoDay(new Date(Date.parse(`${fromDay}T00:00:00Z`) + i * 86_400_000));
    const cur = totalByDay.get(day) ?? 0;
    const prev = previousByIndex.filter((p) => p.index === i).reduce((s, p) => s + p.quantity, 0);
    cumCurrent = gauge ? cur || cumCurrent : cumCurrent + cur;
    cumPrevious = gauge ? prev || cumPrevious : cumPrevious + prev;
    return { day: i + 1, current: i < days.length ? cumCurrent : null, previous: cumPrevious };
  });
  const [previousCounter] = await db.query<{ used: string }>(
    `select used from usage_counters where organization_id = $1 and scope = $2::"CounterScope" and scope_id = $3 and metric = $4 and period_start = $5`,
    [org, scope.kind, scope.id, input.metric, previous.periodStart],
  );

  return {
    scope,
    metric: input.metric,
    by: childScope === 'team' ? ('team' as const) : childScope === 'user' ? ('person' as const) : null,
    periodStart: account.periodStart,
    periodEnd: account.periodEnd,
    previousPeriodStart: previous.periodStart,
    previousUsed: Number(previousCounter?.used ?? 0),
    rows,
    /** People of the whole organization are the largest MAX_PEOPLE_ROWS only. */
    truncated: scope.kind === 'organization' && childScope === 'user' && rows.length >= MAX_PEOPLE_ROWS,
    stack: [...top.map((t) => ({ key: t.id, name: t.name })), ...(gauge ? [] : [{ key: 'other', name: 'Other' }])],
    series,
    comparison,
  };
}

/** Children with their counter, limit (team budget or per-user limit) and rollup cost this period. */
async function childRows(db: Database, childrenSql: string, childScope: 'team' | 'user', org: string, metric: string, periodStart: Date, fromDay: string, toDay: string, extra: unknown[] = []): Promise<Row[]> {
  const limitSql =
    childScope === 'team'
      ? `(select b."limit" from team_budgets b where b.organization_id = $1 and b.team_id = k.id and b.metric = $2)`
      : `(select l."limit" from user_limits l where l.organization_id = $1 and l.user_id = k.id and l.metric = $2)`;
  const rows = await db.query<{ id: string; name: string; membership_id: string | null; used: string | null; lim: string | null; cost: string | null; price: string | null }>(
    `with k as (${childrenSql})
     select k.id, k.name, k.membership_id, c.used, ${limitSql} as lim, r.cost, r.price
       from k
       left join usage_counters c on c.organization_id = $1 and c.scope = '${childScope}' and c.scope_id = k.id and c.metric = $2 and c.period_start = $3
       left join lateral (select sum(d.cost_micros) as cost, sum(d.price_micros) as price from usage_daily_rollups d
                           where d.organization_id = $1 and d.scope = '${childScope}' and d.scope_id = k.id and d.metric = $2 and d.day >= $4::date and d.day < $5::date) r on true`,
    [org, metric, periodStart, fromDay, toDay, ...extra],
  );
  return rows.map((r) => {
    const used = Number(r.used ?? 0);
    const limit = r.lim === null ? null : Number(r.lim);
    return {
      id: r.id,
      name: r.name,
      membershipId: r.membership_id,
      used,
      limit,
      percent: limit === null ? null : limit === 0 ? (used > 0 ? 100 : 0) : (used / limit) * 100,
      costMicros: Number(r.cost ?? 0),
      priceMicros: Number(r.price ?? 0),
    };
  });
}
