// Read-only view of where an organization stands: plan, access, period and each scope's counter.
import type { Database } from '../db/open-database';

export interface AccountState {
  planKey: string;
  /** The plan version the subscription is on (plan lab); 1 without a subscription. */
  planVersion: number;
  planName: string;
  status: 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled';
  suspended: boolean;
  overagePolicy: 'hard_cap' | 'bill';
  periodStart: Date;
  periodEnd: Date;
}

/** The organization's plan, subscription state and current period (or the period containing `at`). */
export async function getAccountState(db: Database, organizationId: string, at: Date): Promise<AccountState | null> {
  const [row] = await db.query<{ plan_key: string; plan_version: number; plan_name: string; status: AccountState['status']; suspended: boolean; overage_policy: AccountState['overagePolicy']; period_start: Date; period_end: Date }>(
    `select coalesce(s.plan_key, 'free') as plan_key, coalesce(s.plan_version, 1) as plan_version, p.name as plan_name, coalesce(s.status::text, 'active') as status,
            o.suspended_at is not null as suspended, coalesce(pv.overage_policy::text, p.overage_policy::text, 'hard_cap') as overage_policy,
            meterdesk_period_start(s.billing_anchor, $2) as period_start,
            meterdesk_period_start(s.billing_anchor, meterdesk_period_start(s.billing_anchor, $2) + interval '32 days') as period_end
       from organizations o
       left join subscriptions s on s.organization_id = o.id
       left join plans p on p.key = coalesce(s.plan_key, 'free')
       left join plan_versions pv on pv.plan_key = p.key and pv.version = coalesce(s.plan_version, 1)
      where o.id = $1`,
    [organizationId, at],
  );
  if (!row) return null;
  return {
    planKey: row.plan_key,
    planVersion: row.plan_version,
    planName: row.plan_name ?? row.plan_key,
    status: row.status,
    suspended: row.suspended,
    overagePolicy: row.overage_policy,
    periodStart: new Date(row.period_start),
    periodEnd: new Date(row.period_end),
  };
}

/**
 * When to read the organization's limit (quota override or plan) for a period: now for the current
 * period, so an override that started mid-period counts with and without `period` alike; for a
 * past period, its last moment (what was in force when it closed).
 */
export function limitEvaluationTime(account: Pick<AccountState, 'periodStart' | 'periodEnd'>, now: Date): Date {
  if (now >= account.periodStart && now < account.periodEnd) return now;
  return now >= account.periodEnd ? new Date(account.periodEnd.getTime() - 1) : account.periodStart;
}
