// Replays tenants' recorded usage against one set of plan terms, through the live limit chain
// (scratch-chain.ts). Work per (tenant, metric, billing period), day by day, from the daily rollups
// where the order of a day's events cannot change the outcome, and from the events themselves where
// it can:
// - a day whose totals keep every scope with a limit (the person's limit, the team's budget, the
//   organization's quota under a hard cap) within it is let through whole: every prefix of it fits
//   too, so every event would have been reserved, whatever their order;
// - a day that starts with the organization's hard cap already used up (and no credits) is blocked
//   whole: any positive quantity is refused, whatever the order;
// - any other day — a cap is reached during it, credits are drawn, a period, override or grant
//   boundary falls inside it — replays its events in recorded order through meterdesk_reserve_batch.
// Overage is then what meterdesk_settled_overage says the period would invoice.
import type { Database, ScratchQuery } from '../../db/open-database';
import type { PlanTerms } from '../plan-terms';
import { ScratchChain } from './scratch-chain';
import type { ReplayLedger, ReplayTenantInfo } from './load-replay-ledger';

export interface MetricOutcome {
  used: number;
  blockedQuantity: number;
  /** Blocked events counted one by one (days replayed from events); whole blocked days count in blockedQuantity only. */
  blockedEvents: number;
  firstBlockedAt: string | null;
  blockedScopes: Array<'user' | 'team' | 'organization'>;
  overageUnits: number;
  creditUnits: number;
}

export interface AlertWouldFire {
  metric: string;
  scope: 'organization' | 'team' | 'user';
  scopeId: string;
  kind: 'threshold' | 'limit_blocked';
  threshold: number;
  day: string;
}

export interface PeriodOutcome {
  periodStart: string;
  metrics: Record<string, MetricOutcome>;
  alerts: AlertWouldFire[];
}

export interface TermsOutcome {
  tenants: Map<string, PeriodOutcome[]>;
  /** End-of-day used of scopes asked for by the self-check: `${org}|${metric}|${scope}|${scopeId}|${day}`. */
  dayEnds: Map<string, { used: number; limit: number | null }>;
  stats: { rollupDays: number; blockedDays: number; eventDays: number; eventsReplayed: number; chainCalls: number };
}

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Replays every tenant of the ledger on `terms`, in `sessions` scratch sessions side by side (1 on PGlite). */
export async function replayLedger(db: Database, ledger: ReplayLedger, terms: PlanTerms, now: Date, options: { sessions?: number; watchDays?: Set<string> } = {}): Promise<TermsOutcome> {
  const sessions = db.kind === 'pglite' ? 1 : Math.max(1, Math.min(options.sessions ?? 2, 4));
  const outcome: TermsOutcome = { tenants: new Map(), dayEnds: new Map(), stats: { rollupDays: 0, blockedDays: 0, eventDays: 0, eventsReplayed: 0, chainCalls: 0 } };
  const chunks: ReplayTenantInfo[][] = Array.from({ length: sessions }, () => []);
  ledger.tenants.forEach((t, i) => chunks[i % sessions]!.push(t));
  await Promise.all(
    chunks
      .filter((c) => c.length)
      .map((chunk) => db.scratch((q) => replayChunk(q, ledger, chunk, terms, now, outcome, options.watchDays ?? new Set()))),
  );
  return outcome;
}

async function replayChunk(q: ScratchQuery, ledger: ReplayLedger, tenants: ReplayTenantInfo[], terms: PlanTerms, now: Date, out: TermsOutcome, watch: Set<string>) {
  const chain = await ScratchChain.open(q, tenants.map((t) => t.id), terms);
  const overageRows: Array<{ organizationId: string; metric: string; periodStart: Date; used: number; target: MetricOutcome }> = [];
  for (const tenant of tenants) {
    const periods: PeriodOutcome[] = tenant.periods.map((p) => ({ periodStart: new Date(p.start).toISOString(), metrics: {}, alerts: [] }));
    out.tenants.set(tenant.id, periods);
    const addedGrants = new Set<string>();
    for (const metric of tenant.metrics) {
      const userLimits = ledger.userLimits.get(`${tenant.id}|${metric}`) ?? new Map<string, number>();
      const teamBudgets = ledger.teamBudgets.get(`${tenant.id}|${metric}`) ?? new Map<string, number>();
      const overrides = ledger.overrides.filter((o) => o.organizationId === tenant.id && o.metric === metric);
      const grants = ledger.grants.filter((g) => g.organizationId === tenant.id && g.metric === metric);
      const boundaries = [...overrides.flatMap((o) => [o.startsAt, o.endsAt]), ...grants.flatMap((g) => [g.createdAt, ...(g.expiresAt === null ? [] : [g.expiresAt])])];
      const hasGrants = grants.length > 0;

      // The organization's limit at an instant: an active override, else the terms' quota (as meterdesk_org_limit).
      const orgLimit = (at: number): { lim: number | null; metered: boolean } => {
        const o = overrides.filter((x) => x.startsAt <= at && x.endsAt > at).sort((a, b) => b.createdAt - a.createdAt)[0];
        if (o) return { lim: o.limit, metered: true };
        const metered = Object.prototype.hasOwnProperty.call(terms.quotas, metric);
        const lim = metered ? ((terms.quotas as Record<string, number | null | undefined>)[metric] ?? null) : null;
        return { lim, metered };
      };
      const addDueGrants = async (at: number) => {
        for (const g of grants) {
          if (g.createdAt <= at && !addedGrants.has(g.id)) {
            addedGrants.add(g.id);
            await chain.addGrant(tenant.id, g.id);
          }
        }
      };

      for (let pi = 0; pi < tenant.periods.length; pi++) {
        const period = tenant.periods[pi]!;
        const result: MetricOutcome = { used: 0, blockedQuantity: 0, blockedEvents: 0, firstBlockedAt: null, blockedScopes: [], overageUnits: 0, creditUnits: 0 };
        periods[pi]!.metrics[metric] = result;
        const users = new Map<string, number>();
        const teams = new Map<string, number>();
        const fired = new Set<string>();
        const thresholds = tenant.alertThresholds;
        const block = (scope: 'user' | 'team' | 'organization', at: number, quantity: number, events: number) => {
          result.blockedQuantity += quantity;
          result.blockedEvents += events;
          if (!result.firstBlockedAt) result.firstBlockedAt = new Date(at).toISOString();
          if (!result.blockedScopes.includes(scope)) result.blockedScopes.push(scope);
        };
        const blockAlert = (scope: 'user' | 'team' | 'organization', scopeId: string, day: string) => {
          const key = `b|${scope}|${scopeId}|${day}`;
          if (fired.has(key)) return;
          fired.add(key);
          periods[pi]!.alerts.push({ metric, scope, scopeId, kind: 'limit_blocked', threshold: 0, day });
        };
        // Threshold alerts, as check-usage-alerts.ts's THRESHOLD_SQL decides them: used * 100 >= limit * threshold, once per period.
        const checkThresholds = (day: string, at: number) => {
          const check = (scope: 'user' | 'team' | 'organization', scopeId: string, used: number, lim: number | null) => {
            if (lim === null || lim <= 0) return;
            for (const th of thresholds) {
              const key = `t|${scope}|${scopeId}|${th}`;
              if (!fired.has(key) && used * 100 >= lim * th) {
                fired.add(key);
                periods[pi]!.alerts.push({ metric, scope, scopeId, kind: 'threshold', threshold: th, day });
              }
            }
          };
          const org = orgLimit(at);
          if (org.metered) check('organization', tenant.id, result.used, org.lim);
          for (const [id, used] of users) check('user', id, used, userLimits.get(id) ?? null);
          for (const [id, used] of teams) check('team', id, used, teamBudgets.get(id) ?? null);
        };
        const noteDayEnd = (day: string, at: number) => {
          if (!watch.size) return;
          const note = (scope: string, id: string, used: number, limit: number | null) => {
            const key = `${tenant.id}|${metric}|${scope}|${id}|${day}`;
            if (watch.has(key)) out.dayEnds.set(key, { used, limit });
          };
          note('organization', tenant.id, result.used, orgLimit(at).lim);
          for (const [id, limit] of userLimits) note('user', id, users.get(id) ?? 0, limit);
          for (const [id, limit] of teamBudgets) note('team', id, teams.get(id) ?? 0, limit);
        };

        for (let dayStart = Math.floor(period.start / DAY) * DAY; dayStart < period.end; dayStart += DAY) {
          const day = dayOf(dayStart);
          const from = Math.max(dayStart, period.start);
          const to = Math.min(dayStart + DAY, period.end);
          const totals = ledger.dayTotals(tenant.id, metric, day);
          if (!totals) {
            noteDayEnd(day, from);
            continue;
          }
          const whole = from === dayStart && to === dayStart + DAY && !boundaries.some((b) => b > from && b < to);
          const org = orgLimit(from);
          const orgCaps = org.metered && org.lim !== null && terms.overagePolicy === 'hard_cap';
          let mode: 'rollup' | 'blocked' | 'events' = 'events';
          if (whole) {
            const fits =
              [...totals.users].every(([id, qty]) => !userLimits.has(id) || (users.get(id) ?? 0) + qty <= userLimits.get(id)!) &&
              [...totals.teams].every(([id, qty]) => !teamBudgets.has(id) || (teams.get(id) ?? 0) + qty <= teamBudgets.get(id)!) &&
              // Past the included amount only where nothing blocks and no credit would be drawn.
              (!org.metered || org.lim === null || result.used + totals.organization <= org.lim || (terms.overagePolicy === 'bill' && !hasGrants));
            if (fits) mode = 'rollup';
            else if (orgCaps && !hasGrants && result.used >= org.lim!) mode = 'blocked';
          }
          if (mode === 'rollup') {
            out.stats.rollupDays += 1;
            result.used += totals.organization;
            for (const [id, qty] of totals.users) if (userLimits.has(id)) users.set(id, (users.get(id) ?? 0) + qty);
            for (const [id, qty] of totals.teams) if (teamBudgets.has(id)) teams.set(id, (teams.get(id) ?? 0) + qty);
          } else if (mode === 'blocked') {
            out.stats.blockedDays += 1;
            block('organization', from, totals.organization, 0);
            blockAlert('organization', tenant.id, day);
          } else {
            out.stats.eventDays += 1;
            // One stretch per part of the day between boundaries (overrides, grants), each decided at its first event's time.
            const cuts = [from, ...boundaries.filter((b) => b > from && b < to).sort((a, b) => a - b), to];
            for (let c = 0; c + 1 < cuts.length; c++) {
              await addDueGrants(cuts[c]!);
              out.stats.chainCalls += 1;
              const decided = await chain.replayStretch(tenant.id, metric, new Date(period.start), new Date(cuts[c]!), new Date(cuts[c + 1]!), [
                { scope: 'organization', id: tenant.id, used: result.used },
                ...[...userLimits.keys()].map((id) => ({ scope: 'user' as const, id, used: users.get(id) ?? 0 })),
                ...[...teamBudgets.keys()].map((id) => ({ scope: 'team' as const, id, used: teams.get(id) ?? 0 })),
              ], hasGrants);
              out.stats.eventsReplayed += decided.length;
              for (const d of decided) {
                if (d.status === 'blocked' && d.blockedScope) {
                  block(d.blockedScope, d.at.getTime(), d.quantity, 1);
                  blockAlert(d.blockedScope, d.blockedScope === 'organization' ? tenant.id : d.blockedScope === 'team' ? d.team! : d.user!, day);
                } else {
                  result.used += d.quantity;
                  result.creditUnits += d.creditQuantity;
                  if (d.user) users.set(d.user, (users.get(d.user) ?? 0) + d.quantity);
                  if (d.team) teams.set(d.team, (teams.get(d.team) ?? 0) + d.quantity);
                }
              }
            }
          }
          checkThresholds(day, from);
          noteDayEnd(day, from);
        }
        overageRows.push({ organizationId: tenant.id, metric, periodStart: new Date(period.start), used: result.used, target: result });
      }
    }
  }
  // Overage per (tenant, metric, period), all at once, by the live invoicing function.
  const billed = terms.overagePolicy === 'bill' ? overageRows.filter((r) => r.used > 0) : [];
  const units = await chain.settledOverage(billed, now);
  billed.forEach((r, i) => (r.target.overageUnits = units[i]!));
}
