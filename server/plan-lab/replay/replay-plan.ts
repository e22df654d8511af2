// What-if replay (issue 14): the recorded ledger of the last N full billing months of every tenant
// on a plan (or a chosen set), replayed against a draft version and against the version it would
// replace, through the live limit chain and overage function (replay-ledger.ts, scratch-chain.ts).
// Per tenant and month: the invoice before and after, what the draft would have blocked and when,
// the alerts that would have fired; totals (MRR/ARR delta, better/worse off, revenue at risk); and
// a self-check: the current version replayed against its own history must reproduce what was
// recorded — usage counters, invoiced overage, no recorded send refused, the limits of the blocks
// that really happened.
import type { Database } from '../../db/open-database';
import type { Clock } from '../../clock';
import type { PlanTerms } from '../plan-terms';
import { loadReplayLedger, type ReplayTenantInfo } from './load-replay-ledger';
import { replayLedger, type AlertWouldFire, type PeriodOutcome, type TermsOutcome } from './replay-ledger';
import { replayInvoice, type ReplayInvoice } from './replay-invoice';
import type { ReplayPlanInput } from './replay-input';

export interface ReplayMonth {
  periodStart: string;
  before: ReplayInvoice;
  after: ReplayInvoice;
  blockedQuantity: number;
  blockedEvents: number;
  firstBlockedAt: string | null;
  blocked: Array<{ metric: string; quantity: number; events: number; firstBlockedAt: string; scopes: string[] }>;
  alertsAfter: AlertWouldFire[];
  alertsBefore: number;
}

export interface ReplayTenantResult {
  organizationId: string;
  name: string;
  beforeMinor: number;
  afterMinor: number;
  deltaMinor: number;
  mrrBeforeMinor: number;
  mrrAfterMinor: number;
  blockedQuantity: number;
  firstBlockedAt: string | null;
  blockedMetrics: string[];
  alertsAfter: number;
  alertsBefore: number;
  months: ReplayMonth[];
}

export interface SelfCheckMismatch {
  organizationId: string;
  periodStart: string;
  metric: string;
  what: 'usage' | 'overage' | 'refused_recorded' | 'recorded_block';
  recorded: number | null;
  replayed: number | null;
}

export interface ReplaySelfCheck {
  ok: boolean;
  usage: { checked: number; matched: number };
  overage: { checked: number; matched: number };
  /** Recorded units the current version would refuse: always 0 when the replay is faithful (only allowed sends are recorded). */
  recordedRefused: number;
  recordedBlocks: { checked: number; matched: number };
  mismatches: SelfCheckMismatch[];
}

export interface ReplayResult {
  planKey: string;
  months: number;
  currency: 'usd';
  ranAt: string;
  tenants: ReplayTenantResult[];
  totals: {
    tenants: number;
    mrrBeforeMinor: number;
    mrrAfterMinor: number;
    mrrDeltaMinor: number;
    arrDeltaMinor: number;
    better: number;
    worse: number;
    unchanged: number;
    blockedTenants: number;
    revenueAtRiskMinor: number;
    alertsBefore: number;
    alertsAfter: number;
  };
  /** Revenue per month (oldest first), before and after, for the chart. */
  series: Array<{ month: string; beforeMinor: number; afterMinor: number }>;
  selfCheck: ReplaySelfCheck;
  stats: { durationMs: number; phasesMs: { load: number; recorded: number; current: number; draft: number }; rollupRows: number; rollupDays: number; blockedDays: number; eventDays: number; eventsReplayed: number; chainCalls: number };
}

export async function replayPlan(db: Database, clock: Clock, input: ReplayPlanInput, options: { sessions?: number } = {}): Promise<ReplayResult> {
  const started = performance.now();
  const now = clock.now();
  const phase = (() => {
    let last = started;
    return () => {
      const t = performance.now();
      const ms = Math.round(t - last);
      last = t;
      return ms;
    };
  })();
  const ledger = await loadReplayLedger(db, { planKey: input.draft.planKey, organizationIds: input.organizationIds, months: input.months, now });
  const loadMs = phase();
  const recorded = await loadRecorded(db, ledger.tenants, now);
  const recordedMs = phase();
  const draft = input.draft as PlanTerms;
  const current = input.compareWith as PlanTerms;
  const before = await replayLedger(db, ledger, current, now, { sessions: options.sessions, watchDays: recorded.watch });
  const beforeMs = phase();
  const after = await replayLedger(db, ledger, draft, now, { sessions: options.sessions });
  const afterMs = phase();

  const tenants = ledger.tenants.map((t) => tenantResult(t, current, draft, before.tenants.get(t.id) ?? [], after.tenants.get(t.id) ?? []));
  const sum = (f: (t: ReplayTenantResult) => number) => tenants.reduce((a, t) => a + f(t), 0);
  const blocked = tenants.filter((t) => t.blockedQuantity > 0);
  const mrrBeforeMinor = sum((t) => t.mrrBeforeMinor);
  const mrrAfterMinor = sum((t) => t.mrrAfterMinor);
  const seriesMap = new Map<string, { beforeMinor: number; afterMinor: number }>();
  for (const t of tenants) {
    for (const m of t.months) {
      const key = m.periodStart.slice(0, 7);
      const s = seriesMap.get(key) ?? { beforeMinor: 0, afterMinor: 0 };
      s.beforeMinor += m.before.totalMinor;
      s.afterMinor += m.after.totalMinor;
      seriesMap.set(key, s);
    }
  }
  const stat = (k: keyof TermsOutcome['stats']) => before.stats[k] + after.stats[k];
  return {
    planKey: input.draft.planKey,
    months: input.months,
    currency: 'usd',
    ranAt: now.toISOString(),
    tenants,
    totals: {
      tenants: tenants.length,
      mrrBeforeMinor,
      mrrAfterMinor,
      mrrDeltaMinor: mrrAfterMinor - mrrBeforeMinor,
      arrDeltaMinor: (mrrAfterMinor - mrrBeforeMinor) * 12,
      // Worse off: pays more, or would have been blocked; better off: pays less and is never blocked.
      better: tenants.filter((t) => t.deltaMinor < 0 && t.blockedQuantity === 0).length,
      worse: tenants.filter((t) => t.deltaMinor > 0 || t.blockedQuantity > 0).length,
      unchanged: tenants.filter((t) => t.deltaMinor === 0 && t.blockedQuantity === 0).length,
      blockedTenants: blocked.length,
      revenueAtRiskMinor: blocked.reduce((a, t) => a + t.mrrBeforeMinor, 0),
      alertsBefore: sum((t) => t.alertsBefore),
      alertsAfter: sum((t) => t.alertsAfter),
    },
    series: [...seriesMap].sort(([a], [b]) => a.localeCompare(b)).map(([month, s]) => ({ month, ...s })),
    selfCheck: selfCheck(ledger.tenants, before, recorded),
    stats: {
      durationMs: Math.round(performance.now() - started),
      phasesMs: { load: loadMs, recorded: recordedMs, current: beforeMs, draft: afterMs },
      rollupRows: ledger.rollupRows,
      rollupDays: stat('rollupDays'),
      blockedDays: stat('blockedDays'),
      eventDays: stat('eventDays'),
      eventsReplayed: stat('eventsReplayed'),
      chainCalls: stat('chainCalls'),
    },
  };
}

function tenantResult(t: ReplayTenantInfo, current: PlanTerms, draft: PlanTerms, before: PeriodOutcome[], after: PeriodOutcome[]): ReplayTenantResult {
  const months: ReplayMonth[] = after.map((a, i) => {
    const b = before[i]!;
    const blockedList = Object.entries(a.metrics)
      .filter(([, m]) => m.blockedQuantity > 0)
      .map(([metric, m]) => ({ metric, quantity: m.blockedQuantity, events: m.blockedEvents, firstBlockedAt: m.firstBlockedAt!, scopes: m.blockedScopes }));
    const firstBlockedAt = blockedList.map((x) => x.firstBlockedAt).sort()[0] ?? null;
    return {
      periodStart: a.periodStart,
      before: replayInvoice(current, t, b.metrics),
      after: replayInvoice(draft, t, a.metrics),
      blockedQuantity: blockedList.reduce((s, x) => s + x.quantity, 0),
      blockedEvents: blockedList.reduce((s, x) => s + x.events, 0),
      firstBlockedAt,
      blocked: blockedList,
      alertsAfter: a.alerts,
      alertsBefore: b.alerts.length,
    };
  });
  const beforeMinor = months.reduce((s, m) => s + m.before.totalMinor, 0);
  const afterMinor = months.reduce((s, m) => s + m.after.totalMinor, 0);
  const n = Math.max(1, months.length);
  return {
    organizationId: t.id,
    name: t.name,
    beforeMinor,
    afterMinor,
    deltaMinor: afterMinor - beforeMinor,
    mrrBeforeMinor: Math.round(beforeMinor / n),
    mrrAfterMinor: Math.round(afterMinor / n),
    blockedQuantity: months.reduce((s, m) => s + m.blockedQuantity, 0),
    firstBlockedAt: months.map((m) => m.firstBlockedAt).filter((x): x is string => !!x).sort()[0] ?? null,
    blockedMetrics: [...new Set(months.flatMap((m) => m.blocked.map((b) => b.metric)))].sort(),
    alertsAfter: months.reduce((s, m) => s + m.alertsAfter.length, 0),
    alertsBefore: months.reduce((s, m) => s + m.alertsBefore, 0),
    months,
  };
}

interface Recorded {
  used: Map<string, number>;
  overage: Map<string, number>;
  blocks: Array<{ organizationId: string; metric: string; scope: string; scopeId: string; day: string; limit: number | null }>;
  watch: Set<string>;
}

const periodKey = (org: string, metric: string, periodStartMs: number) => `${org}|${metric}|${periodStartMs}`;

/** What really happened in the window: organization counters, the overage the live function invoices, and the blocks recorded as limit_blocked alerts. */
async function loadRecorded(db: Database, tenants: ReplayTenantInfo[], now: Date): Promise<Recorded> {
  const ids = tenants.map((t) => t.id);
  const starts = [...new Set(tenants.flatMap((t) => t.periods.map((p) => new Date(p.start).toISOString())))];
  const counters = await db.query<{ o: string; m: string; p: Date; used: string; overage: string }>(
    `select c.organization_id as o, c.metric as m, c.period_start as p, c.used, meterdesk_settled_overage(c.organization_id, c.metric, c.period_start, $3) as overage
       from usage_counters c
      where c.organization_id = any($1::uuid[]) and c.scope = 'organization' and c.scope_id = c.organization_id and c.period_start = any($2::timestamptz[])`,
    [ids, starts, now],
  );
  const used = new Map<string, number>();
  const overage = new Map<string, number>();
  for (const c of counters) {
    used.set(periodKey(c.o, c.m, c.p.getTime()), Number(c.used));
    overage.set(periodKey(c.o, c.m, c.p.getTime()), Number(c.overage));
  }
  const windowStart = Math.min(...tenants.flatMap((t) => t.periods.map((p) => p.start)), now.getTime());
  const blocks = (
    await db.query<{ o: string; m: string; s: string; i: string; d: string; l: string | null }>(
      `select organization_id as o, metric as m, scope::text as s, scope_id as i, (period_start at time zone 'UTC')::date::text as d, "limit" as l
         from alert_firings where organization_id = any($1::uuid[]) and kind = 'limit_blocked' and period_start >= $2 and period_start < $3`,
      [ids, new Date(windowStart), now],
    )
  )
    .filter((b) => {
      const t = tenants.find((x) => x.id === b.o)!;
      const at = Date.parse(`${b.d}T00:00:00Z`);
      return t.periods.some((p) => at >= Math.floor(p.start / 86_400_000) * 86_400_000 && at < p.end);
    })
    .map((b) => ({ organizationId: b.o, metric: b.m, scope: b.s, scopeId: b.i, day: b.d, limit: b.l === null ? null : Number(b.l) }));
  return { used, overage, blocks, watch: new Set(blocks.map((b) => `${b.organizationId}|${b.metric}|${b.scope}|${b.scopeId}|${b.day}`)) };
}

function selfCheck(tenants: ReplayTenantInfo[], replay: TermsOutcome, recorded: Recorded): ReplaySelfCheck {
  const result: ReplaySelfCheck = { ok: true, usage: { checked: 0, matched: 0 }, overage: { checked: 0, matched: 0 }, recordedRefused: 0, recordedBlocks: { checked: 0, matched: 0 }, mismatches: [] };
  const miss = (m: SelfCheckMismatch) => {
    result.ok = false;
    if (result.mismatches.length < 50) result.mismatches.push(m);
  };
  for (const t of tenants) {
    const periods = replay.tenants.get(t.id) ?? [];
    t.periods.forEach((p, i) => {
      const out = periods[i];
      const periodStart = new Date(p.start).toISOString();
      for (const metric of t.metrics) {
        const m = out?.metrics[metric];
        const key = periodKey(t.id, metric, p.start);
        const rec = recorded.used.get(key) ?? 0;
        result.usage.checked += 1;
        if (m && m.used === rec) result.usage.matched += 1;
        else miss({ organizationId: t.id, periodStart, metric, what: 'usage', recorded: rec, replayed: m?.used ?? null });
        const recOver = recorded.overage.get(key) ?? 0;
        result.overage.checked += 1;
        if (m && m.overageUnits === recOver) result.overage.matched += 1;
        else miss({ organizationId: t.id, periodStart, metric, what: 'overage', recorded: recOver, replayed: m?.overageUnits ?? null });
        if (m && m.blockedQuantity > 0) {
          result.recordedRefused += m.blockedQuantity;
          miss({ organizationId: t.id, periodStart, metric, what: 'refused_recorded', recorded: 0, replayed: m.blockedQuantity });
        }
      }
    });
  }
  // A block that really happened: the replayed scope had the same limit, and had not gone past it.
  for (const b of recorded.blocks) {
    result.recordedBlocks.checked += 1;
    const end = replay.dayEnds.get(`${b.organizationId}|${b.metric}|${b.scope}|${b.scopeId}|${b.day}`);
    if (end && end.limit !== null && end.limit === b.limit && end.used <= end.limit) result.recordedBlocks.matched += 1;
    else miss({ organizationId: b.organizationId, periodStart: b.day, metric: b.metric, what: 'recorded_block', recorded: b.limit, replayed: end?.limit ?? null });
  }
  return result;
}
