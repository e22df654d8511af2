// How usage reads on screen: the periods to pick from, how full a meter looks, and what each
// subscription state means for sending (DESIGN.md, "Metering and limits").
import type { RouterOutputs } from '../../lib/me';
import { formatMonth } from '../../lib/format';

export type UsageSummary = RouterOutputs['usage']['summary'];
export type MetricUsage = UsageSummary['metrics'][number];
export type SubscriptionStatus = UsageSummary['status'];

export const CURRENT_PERIOD = 'current';

/** This month (sent as no period: the server's clock decides) and the eleven before it, as YYYY-MM. */
export function periodOptions(now: Date): { value: string; label: string }[] {
  const options: { value: string; label: string }[] = [];
  for (let back = 0; back < 12; back++) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const value = `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
    options.push({ value: back === 0 ? CURRENT_PERIOD : value, label: back === 0 ? `${formatMonth(month)} (current)` : formatMonth(month) });
  }
  return options;
}

/** Share of the limit taken (used + in flight), in percent; null when nothing limits the metric. */
export function shareOfLimit(m: Pick<MetricUsage, 'used' | 'reserved' | 'limit'>): number | null {
  if (m.limit === null) return null;
  if (m.limit === 0) return m.used + m.reserved > 0 ? 100 : 0;
  return ((m.used + m.reserved) / m.limit) * 100;
}

/** The meter's color at the alert thresholds: 50, 75, 90 and 100%. */
export function meterColor(percent: number): string {
  if (percent >= 100) return 'red.8';
  if (percent >= 90) return 'red';
  if (percent >= 75) return 'orange';
  if (percent >= 50) return 'yellow';
  return 'teal';
}

/** "37%", never "100%" before the limit is actually reached. */
export function formatPercent(percent: number): string {
  if (percent >= 100) return `${Math.round(percent)}%`;
  if (percent > 0 && percent < 1) return '<1%';
  return `${Math.min(99, Math.floor(percent))}%`;
}

/** Unlimited, unused metrics only add noise; they are a toggle away. */
export function isQuiet(m: MetricUsage): boolean {
  return m.limit === null && m.used === 0 && m.reserved === 0 && m.credits === 0;
}

export const STATUS_META: Record<SubscriptionStatus, { label: string; color: string }> = {
  trialing: { label: 'Trialing', color: 'blue' },
  active: { label: 'Active', color: 'teal' },
  past_due: { label: 'Past due', color: 'orange' },
  unpaid: { label: 'Unpaid', color: 'red' },
  canceled: { label: 'Canceled', color: 'gray' },
};

export interface AccessWarning {
  title: string;
  message: string;
  color: string;
  /** Settling the bill is what unblocks it. */
  billing: boolean;
}

/** Why sending is blocked, when it is: suspension first, then the subscription's state. */
export function accessWarning(summary: Pick<UsageSummary, 'status' | 'suspended'>): AccessWarning | null {
  if (summary.suspended) {
    return {
      title: 'This organization is suspended: sending is blocked',
      message: 'Everything is read-only until the platform team lifts the suspension. Usage history stays available here.',
      color: 'red',
      billing: false,
    };
  }
  switch (summary.status) {
    case 'past_due':
      return {
        title: 'Payment is past due: sending is blocked',
        message: 'Messages, calls and AI queries are refused until the latest invoice is paid. Usage history stays available.',
        color: 'orange',
        billing: true,
      };
    case 'unpaid':
      return {
        title: 'The subscription is unpaid: sending is blocked',
        message: 'Settle the outstanding invoices to send again. Nothing new is metered until then.',
        color: 'red',
        billing: true,
      };
    case 'canceled':
      return {
        title: 'The subscription is canceled: sending is blocked',
        message: 'Past usage is kept read-only. Subscribe to a plan to send again.',
        color: 'gray',
        billing: true,
      };
    default:
      return null;
  }
}

export const OVERAGE_POLICY_TEXT: Record<UsageSummary['plan']['overagePolicy'], { label: string; hint: string }> = {
  hard_cap: { label: 'Hard cap', hint: 'Sending stops when a limit is reached (prepaid credits are used first).' },
  bill: { label: 'Overage billed', hint: 'Usage past a limit goes through and is billed as overage.' },
};

/**
 * A bar's color at the organization's own alert thresholds (Settings): calm below the first, then
 * warmer at each one passed, red at the highest below 100 %, dark red at the limit.
 */
export function thresholdColor(percent: number, thresholds: number[]): string {
  if (percent >= 100) return 'red.8';
  const below = [...thresholds].filter((t) => t < 100).sort((a, b) => a - b);
  const passed = below.filter((t) => percent >= t).length;
  if (passed === 0) return 'teal';
  if (passed === below.length) return 'red';
  return passed / below.length >= 0.5 ? 'orange' : 'yellow';
}

/** Micros of a currency as money: "$12.34" (usd when the events did not say). */
export function formatMicros(micros: number, currency = 'usd'): string {
  const value = micros / 1_000_000;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: 2, maximumFractionDigits: value !== 0 && Math.abs(value) < 1 ? 4 : 2 }).format(value);
}
