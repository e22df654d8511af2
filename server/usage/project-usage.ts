// Where a metric will end the period if it keeps its pace (seed 003 `projectedOverage`): linear on
// the part of the period gone by. Pure, so the dashboards and the tests share one rule.

export interface Projection {
  /** Share of the period gone by, 0..1. */
  elapsed: number;
  /** Whole days left, counting today when the period has not ended (0 once it has). */
  daysLeft: number;
  /** Expected usage at the end of the period. */
  projected: number;
  /** How far past the limit that is (0 when within it, or without a limit). */
  projectedOverage: number;
  /** The limit will be passed at this pace (or has been already). */
  willExceed: boolean;
}

/** No extrapolation from less than an hour of a period: a first send would project absurd numbers. */
const MIN_ELAPSED_MS = 3_600_000;

export function projectUsage(input: { used: number; limit: number | null; periodStart: Date; periodEnd: Date; now: Date; gauge?: boolean }): Projection {
  const start = input.periodStart.getTime();
  const end = input.periodEnd.getTime();
  const now = Math.min(Math.max(input.now.getTime(), start), end);
  const length = end - start;
  const elapsed = length > 0 ? (now - start) / length : 1;
  const daysLeft = now >= end ? 0 : Math.ceil((end - now) / 86_400_000);
  // A gauge (storage) is a level, not a flow: it stays where it is. A finished period is what it was.
  const projected = input.gauge || elapsed >= 1 ? input.used : Math.round((input.used * length) / Math.max(now - start, MIN_ELAPSED_MS));
  const projectedOverage = input.limit === null ? 0 : Math.max(0, projected - input.limit);
  return { elapsed, daysLeft, projected, projectedOverage, willExceed: input.limit !== null && (projected > input.limit || input.used > input.limit) };
}
