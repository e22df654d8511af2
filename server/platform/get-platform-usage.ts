// Use case (platform staff): usage across tenants from the daily rollups (never the ledger): each
// metric's total in the window against the window before it, the daily series of one metric and
// the tenants that used it most.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { METRIC_KEYS } from '../metering/metrics';

export const getPlatformUsageInput = z
  .object({
    days: z.number().int().min(1).max(366).default(30),
    metric: z.enum(METRIC_KEYS).default('sms_sent'),
  })
  .default({ days: 30, metric: 'sms_sent' });

const DAY = 86_400_000;

export async function getPlatformUsage(db: Database, clock: Clock, input: z.output<typeof getPlatformUsageInput>) {
  const today = new Date(Date.UTC(clock.now().getUTCFullYear(), clock.now().getUTCMonth(), clock.now().getUTCDate()));
  const from = new Date(today.getTime() - (input.days - 1) * DAY);
  const previousFrom = new Date(from.getTime() - input.days * DAY);
  const [byMetric, daily, top] = await Promise.all([
    db.query<{ metric: string; current: string; previous: string; tenants: string }>(
      `select metric,
              coalesce(sum(quantity) filter (where day >= $1::date), 0)::text as current,
              coalesce(sum(quantity) filter (where day < $1::date), 0)::text as previous,
              count(distinct organization_id) filter (where day >= $1::date)::text as tenants
         from usage_daily_rollups
        where scope = 'organization' and day >= $2::date and day <= $3::date
        group by metric order by metric`,
      [from, previousFrom, today],
    ),
    db.query<{ day: Date; quantity: string }>(
      `select day, sum(quantity)::text as quantity from usage_daily_rollups
        where scope = 'organization' and metric = $1 and day >= $2::date and day <= $3::date group by day order by day`,
      [input.metric, from, today],
    ),
    db.query<{ organization_id: string; slug: string; name: string; quantity: string }>(
      `select r.organization_id, o.slug, o.name, sum(r.quantity)::text as quantity
         from usage_daily_rollups r join organizations o on o.id = r.organization_id
        where r.scope = 'organization' and r.metric = $1 and r.day >= $2::date and r.day <= $3::date
        group by r.organization_id, o.slug, o.name order by sum(r.quantity) desc, o.slug limit 10`,
      [input.metric, from, today],
    ),
  ]);
  const byDay = new Map(daily.map((d) => [new Date(d.day).toISOString().slice(0, 10), Number(d.quantity)]));
  return {
    from,
    to: today,
    days: input.days,
    metric: input.metric,
    byMetric: byMetric.map((m) => {
      const current = Number(m.current);
      const previous = Number(m.previous);
      return { metric: m.metric, current, previous, tenants: Number(m.tenants), growth: previous > 0 ? (current - previous) / previous : null };
    }),
    daily: Array.from({ length: input.days }, (_, i) => {
      const day = new Date(from.getTime() + i * DAY).toISOString().slice(0, 10);
      return { day, quantity: byDay.get(day) ?? 0 };
    }),
    topTenants: top.map((t) => ({ organizationId: t.organization_id, slug: t.slug, name: t.name, quantity: Number(t.quantity) })),
  };
}
