// What an export covers: a scope the person may read (server/usage/usage-reach.ts decides) and a
// month that has started and in which the organization existed. Resolved before anything is written.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { periodSchema, resolveUsagePeriod } from '../usage/usage-period';
import { resolveUsageScope, usageReach } from '../usage/usage-reach';

export const exportScopeInput = z.object({
  scope: z.enum(['organization', 'team', 'user']),
  /** The team's or person's id (a person defaults to yourself). */
  id: z.uuid('id must be a team or user id').optional(),
  period: periodSchema,
});

export interface ExportTarget {
  organizationId: string;
  organizationName: string;
  scope: { kind: 'organization' | 'team' | 'user'; id: string; name: string };
  /** YYYY-MM as asked. */
  period: string;
  /** The billing period containing the 1st of that month: events at or after start and before end. */
  start: Date;
  end: Date;
  planName: string;
}

export async function resolveExportTarget(db: Database, actor: Actor, input: z.output<typeof exportScopeInput>, now: Date): Promise<ExportTarget> {
  const reach = await usageReach(db, actor);
  const scope = await resolveUsageScope(db, actor, reach, input.scope, input.id);
  const [year, month] = input.period.split('-').map(Number) as [number, number];
  if (Date.UTC(year, month - 1, 1) > now.getTime()) {
    throw new AppError('BAD_REQUEST', `${input.period} has not started yet: export the current month or an earlier one.`, { field: 'period' });
  }
  const { account } = await resolveUsagePeriod(db, actor.organizationId, input.period, now);
  const org = await db.prisma.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { name: true, createdAt: true } });
  if (account.periodEnd <= org.createdAt) {
    const since = org.createdAt.toISOString().slice(0, 7);
    throw new AppError('BAD_REQUEST', `${input.period} is before the organization existed (it was created in ${since}): pick ${since} or later.`, { field: 'period' });
  }
  return {
    organizationId: actor.organizationId,
    organizationName: org.name,
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    period: input.period,
    start: account.periodStart,
    end: account.periodEnd,
    planName: account.planName,
  };
}

/** SQL condition on usage_events `e` for the scope; parameters $1 organization, $2 start, $3 end, $4 scope id. */
export function scopeCondition(target: ExportTarget): string {
  const base = 'e.organization_id = $1 and e.occurred_at >= $2 and e.occurred_at < $3';
  if (target.scope.kind === 'team') return `${base} and e.team_id = $4::uuid`;
  if (target.scope.kind === 'user') return `${base} and e.user_id = $4::uuid`;
  return `${base} and $4::uuid is not null`;
}

export function scopeParams(target: ExportTarget): unknown[] {
  return [target.organizationId, target.start, target.end, target.scope.id];
}

/** The channel a metric belongs to, for "cost by channel". */
export function channelOf(metric: string): string {
  if (metric.startsWith('sms') || metric.startsWith('mms')) return 'SMS';
  if (metric.startsWith('wa_')) return 'WhatsApp';
  if (metric.startsWith('email')) return 'Email';
  if (metric.startsWith('call')) return 'Voice';
  if (metric.startsWith('ai_')) return 'AI';
  return 'Other';
}

export const CHANNEL_SQL = `case when e.metric like 'sms%' or e.metric like 'mms%' then 'SMS' when e.metric like 'wa\\_%' then 'WhatsApp'
  when e.metric like 'email%' then 'Email' when e.metric like 'call%' then 'Voice' when e.metric like 'ai\\_%' then 'AI' else 'Other' end`;

/** Micros (millionths) as an exact decimal string: 7500 → "0.007500". */
export function microsToDecimal(micros: bigint | number | string | null): string {
  if (micros === null || micros === '') return '';
  const v = BigInt(micros);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const whole = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

export function exportFileBase(target: ExportTarget): string {
  const slug = target.scope.name.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 40) || target.scope.kind;
  return `meterdesk-usage-${slug}-${target.period}`;
}
