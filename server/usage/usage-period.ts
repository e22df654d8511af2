// The period a usage view shows, shared by the summary, the dashboards and the breakdowns.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { getAccountState, limitEvaluationTime } from '../metering/get-usage-state';

export const periodSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'period must look like 2026-11')
  .describe('The period containing the 1st of this month (YYYY-MM); the current period when omitted.');

/** The account state of the period asked for (YYYY-MM) or the current one, with whether it is current. */
export async function resolveUsagePeriod(db: Database, organizationId: string, period: string | undefined, now: Date) {
  const at = period ? new Date(`${period}-01T00:00:00Z`) : now;
  const account = await getAccountState(db, organizationId, at);
  if (!account) throw new AppError('NOT_FOUND', 'The organization does not exist.');
  if (account.periodStart > now) throw new AppError('BAD_REQUEST', 'That period has not started yet; pick the current period or an earlier one.', { field: 'period' });
  const current = now >= account.periodStart && now < account.periodEnd;
  return { account, current, limitAt: limitEvaluationTime(account, now) };
}

/** YYYY-MM-DD of a UTC day. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
