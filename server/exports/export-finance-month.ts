// Platform finance's monthly billing export (seed 003 §6): month, generated at, revenue, new
// subscriptions, churn, MRR, and the subscription and invoice detail behind them — as CSV and JSON.
// Revenue is what invoices collected (amount paid) for invoices created in the month, per currency;
// MRR is the monthly price of subscriptions active or trialing at the month's end.
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { periodSchema } from '../usage/usage-period';

export const financeMonthInput = z.object({ month: periodSchema });

export async function exportFinanceMonth(db: Database, month: string, now: Date) {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 1, 1));
  const end = new Date(Date.UTC(y, m, 1));
  if (start > now) throw new AppError('BAD_REQUEST', `${month} has not started yet: pick the current month or an earlier one.`, { field: 'month' });
  const invoices = await db.query<{ organization_id: string; org: string; invoice: string; number: string | null; status: string; currency: string; total: string; amount_paid: string; created: Date }>(
    `select i.organization_id, o.name as org, i.provider_invoice_id as invoice, i.number, i.status, i.currency, i.total::text, i.amount_paid::text, i.provider_created as created
       from billing_invoices i join organizations o on o.id = i.organization_id
      where i.provider_created >= $1 and i.provider_created < $2 order by i.provider_created`,
    [start, end],
  );
  const subs = await db.query<{ organization_id: string; org: string; plan_key: string; status: string; interval: string | null; price_minor: number; currency: string; created: Date; canceled_at: Date | null; ended_at: Date | null; seats: number }>(
    `select s.organization_id, o.name as org, s.plan_key, s.status::text as status, s.billing_interval as interval, coalesce(p.price_minor, 0) as price_minor, coalesce(p.currency, 'usd') as currency,
            coalesce(s.provider_created, s.created_at) as created, s.canceled_at, s.ended_at, s.seat_quantity as seats
       from subscriptions s join organizations o on o.id = s.organization_id left join plans p on p.key = s.plan_key
      where coalesce(s.provider_created, s.created_at) < $1 order by o.name`,
    [end],
  );
  const revenue: Record<string, number> = {};
  for (const i of invoices) revenue[i.currency] = (revenue[i.currency] ?? 0) + Number(i.amount_paid);
  const newSubs = subs.filter((s) => new Date(s.created) >= start);
  const churned = subs.filter((s) => (s.ended_at ?? s.canceled_at) && new Date((s.ended_at ?? s.canceled_at)!) >= start && new Date((s.ended_at ?? s.canceled_at)!) < end);
  const active = subs.filter((s) => ['active', 'trialing', 'past_due'].includes(s.status) && !(s.ended_at && new Date(s.ended_at) < end));
  const mrr: Record<string, number> = {};
  for (const s of active) mrr[s.currency] = (mrr[s.currency] ?? 0) + (s.interval === 'year' ? Math.round(s.price_minor / 12) : s.price_minor);
  const json = {
    month,
    generatedAt: now.toISOString(),
    revenueMinor: revenue,
    newSubscriptions: newSubs.length,
    churnedSubscriptions: churned.length,
    mrrMinor: mrr,
    subscriptions: subs.map((s) => ({ organizationId: s.organization_id, organization: s.org, plan: s.plan_key, status: s.status, interval: s.interval, priceMinor: s.price_minor, currency: s.currency, created: new Date(s.created).toISOString(), endedAt: s.ended_at ? new Date(s.ended_at).toISOString() : null })),
    invoices: invoices.map((i) => ({ organizationId: i.organization_id, organization: i.org, invoice: i.invoice, number: i.number, status: i.status, currency: i.currency, totalMinor: Number(i.total), paidMinor: Number(i.amount_paid), created: new Date(i.created).toISOString() })),
  };
  const csv = [
    stringify([['month', 'generated_at', 'currency', 'revenue_minor', 'mrr_minor', 'new_subscriptions', 'churned_subscriptions'], ...[...new Set([...Object.keys(revenue), ...Object.keys(mrr), 'usd'])].map((c) => [month, json.generatedAt, c, revenue[c] ?? 0, mrr[c] ?? 0, newSubs.length, churned.length])]),
    stringify([['record', 'organization_id', 'organization', 'id', 'plan_or_number', 'status', 'currency', 'amount_minor', 'created'], ...json.subscriptions.map((s) => ['subscription', s.organizationId, s.organization, '', s.plan, s.status, s.currency, s.priceMinor, s.created]), ...json.invoices.map((i) => ['invoice', i.organizationId, i.organization, i.invoice, i.number ?? '', i.status, i.currency, i.paidMinor, i.created])]),
  ].join('\n');
  return { fileBase: `meterdesk-finance-${month}`, csv, json: JSON.stringify(json, null, 2) };
}
