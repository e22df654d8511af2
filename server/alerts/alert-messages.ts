// The words of each alert: notification title and body, and the email, after seed 003's
// "Usage Warning (75%)" template. Pure functions of the firing's facts.
import { METRICS, type MetricKey } from '../metering/metrics';
import type { AlertScope } from './alert-recipients';

export interface AlertFacts {
  kind: 'threshold' | 'spike' | 'limit_blocked';
  scope: AlertScope;
  scopeName: string;
  organizationName: string;
  metric: string;
  threshold: number;
  used: number;
  limit: number | null;
  periodStart: Date;
  periodEnd: Date;
  now: Date;
  spikeMultiplier: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const day = (d: Date) => d.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
/** The period's last day (its end is exclusive: the next period's first instant). */
const lastDay = (end: Date) => day(new Date(end.getTime() - 1));

export function metricWords(metric: string) {
  const m = METRICS[metric as MetricKey];
  return m ? { label: m.label, unit: m.unit } : { label: metric, unit: 'units' };
}

function whose(f: AlertFacts) {
  if (f.scope === 'organization') return { subject: f.organizationName, limitName: 'monthly quota' };
  if (f.scope === 'team') return { subject: `The ${f.scopeName} team`, limitName: 'monthly budget' };
  return { subject: f.scopeName, limitName: 'monthly limit' };
}

/** Where usage will be at the end of the period at the rate so far. */
export function projectedUsage(f: Pick<AlertFacts, 'used' | 'periodStart' | 'periodEnd' | 'now'>): number {
  const elapsed = Math.max(f.now.getTime() - f.periodStart.getTime(), 3600_000);
  const total = f.periodEnd.getTime() - f.periodStart.getTime();
  return Math.round((f.used * total) / elapsed);
}

export function notificationText(f: AlertFacts): { title: string; body: string } {
  const { label, unit } = metricWords(f.metric);
  const w = whose(f);
  const scopeTag = f.scope === 'organization' ? 'organization' : f.scope === 'team' ? `team ${f.scopeName}` : f.scopeName;
  switch (f.kind) {
    case 'threshold':
      return {
        title: `${label} at ${f.threshold}% — ${scopeTag}`,
        body: `${w.subject} used ${fmt(f.used)} of ${fmt(f.limit ?? 0)} ${unit} (${w.limitName}) this period, which ends ${lastDay(f.periodEnd)}.`,
      };
    case 'spike':
      return {
        title: `Spike in ${label}`,
        body: `${fmt(f.used)} ${unit} today, at least ${f.spikeMultiplier}× the daily average of the last 7 days (${fmt(f.limit ?? 0)}).`,
      };
    case 'limit_blocked':
      return {
        title: `${label} blocked by a limit — ${scopeTag}`,
        body: `A send was refused: ${w.subject.replace(/^The/, 'the')}'s ${w.limitName} of ${fmt(f.limit ?? 0)} ${unit} is used up.`,
      };
  }
}

export function alertEmail(f: AlertFacts, recipientName: string, usageUrl: string | null): { subject: string; text: string } {
  const { label, unit } = metricWords(f.metric);
  const w = whose(f);
  const view = usageUrl ? `View usage: ${usageUrl}` : 'View usage: open Meterdesk → Usage.';
  if (f.kind === 'threshold') {
    const projected = projectedUsage(f);
    const rate =
      f.limit !== null && projected > f.limit
        ? `At your current rate, you may exceed the limit before the period ends on ${lastDay(f.periodEnd)} (about ${fmt(projected)} ${unit} by then).`
        : `At your current rate, you should stay within it until the period ends on ${lastDay(f.periodEnd)}.`;
    const advice =
      f.scope === 'organization'
        ? 'Consider upgrading your plan or buying credits in Billing to keep sending without interruption.'
        : f.scope === 'team'
          ? "A manager or admin can raise the team's budget from the usage dashboard."
          : "A manager or admin can raise this person's limit from the usage dashboard.";
    return {
      subject: `${f.scope === 'organization' ? `Your ${f.organizationName}` : `${w.subject}'s`} usage is at ${f.threshold}% (${label})`,
      text: `Hi ${recipientName},\n\n${w.subject} has used ${fmt(f.used)} of ${fmt(f.limit ?? 0)} ${unit} (${label}, ${w.limitName}) — ${f.threshold}%.\n\n${rate}\n\n${advice}\n\n${view}\n`,
    };
  }
  const { title, body } = notificationText(f);
  return { subject: `Meterdesk: ${title}`, text: `Hi ${recipientName},\n\n${body}\n\n${view}\n` };
}
