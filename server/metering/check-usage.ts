import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { getAccountState } from './get-usage-state';
import { METRIC_KEYS } from './metrics';
import { blockedMessage, INVALID_TEAM, INVALID_USER, type BlockedScope } from './reserve-usage';

export const checkUsageInput = z.object({
  metric: z.enum(METRIC_KEYS),
  quantity: z.number().int().positive('Quantity must be a positive whole number.').max(1_000_000_000),
  user: z.uuid('user must be a user id').optional(),
  team: z.uuid('team must be a team id').optional(),
});

interface ScopeRemaining {
  limit: number | null;
  used: number;
  reserved: number;
  remaining: number | null;
}

/**
 * Would `quantity` fit right now? Reads the same chain a reservation locks, without holding
 * anything: the answer can change a moment later — reserve to be sure. A user or team of another
 * organization is refused (BAD_REQUEST naming the field).
 */
export async function checkUsage(db: Database, organizationId: string, input: z.output<typeof checkUsageInput>, clock: Clock) {
  const now = clock.now();
  const account = await getAccountState(db, organizationId, now);
  if (!account) throw new AppError('NOT_FOUND', 'The organization does not exist.');
  const [row] = await db.query<Record<string, string | boolean | null>>(
    `select
       ($3::uuid is null or exists (select 1 from memberships where organization_id = $1 and user_id = $3)) as user_known,
       ($4::uuid is null or exists (select 1 from teams where organization_id = $1 and id = $4)) as team_known,
       (select "limit" from user_limits where organization_id = $1 and user_id = $3 and metric = $2) as user_limit,
       (select used from usage_counters where organization_id = $1 and scope = 'user' and scope_id = $3 and metric = $2 and period_start = $5) as user_used,
       (select reserved from usage_counters where organization_id = $1 and scope = 'user' and scope_id = $3 and metric = $2 and period_start = $5) as user_reserved,
       (select "limit" from team_budgets where organization_id = $1 and team_id = $4 and metric = $2) as team_limit,
       (select used from usage_counters where organization_id = $1 and scope = 'team' and scope_id = $4 and metric = $2 and period_start = $5) as team_used,
       (select reserved from usage_counters where organization_id = $1 and scope = 'team' and scope_id = $4 and metric = $2 and period_start = $5) as team_reserved,
       (select lim from meterdesk_org_limit($1, $6, $2, $7)) as org_limit,
       (select used from usage_counters where organization_id = $1 and scope = 'organization' and scope_id = $1 and metric = $2 and period_start = $5) as org_used,
       (select reserved from usage_counters where organization_id = $1 and scope = 'organization' and scope_id = $1 and metric = $2 and period_start = $5) as org_reserved,
       (select coalesce(sum(remaining), 0) from credit_grants where organization_id = $1 and metric = $2 and remaining > 0 and (expires_at is null or expires_at > $7)) as credits`,
    [organizationId, input.metric, input.user ?? null, input.team ?? null, account.periodStart, account.planKey, now],
  );
  // Attribution must point inside this organization, as for reservations and events.
  if (!row!.user_known) throw new AppError('BAD_REQUEST', INVALID_USER, { field: 'user' });
  if (!row!.team_known) throw new AppError('BAD_REQUEST', INVALID_TEAM, { field: 'team' });
  type Cell = string | boolean | null | undefined;
  const scope = (limit: Cell, used: Cell, reserved: Cell): ScopeRemaining => {
    const l = limit === null || limit === undefined ? null : Number(limit);
    const u = Number(used ?? 0);
    const r = Number(reserved ?? 0);
    return { limit: l, used: u, reserved: r, remaining: l === null ? null : Math.max(0, l - u - r) };
  };
  const remaining = {
    ...(input.user ? { user: scope(row!.user_limit, row!.user_used, row!.user_reserved) } : {}),
    ...(input.team ? { team: scope(row!.team_limit, row!.team_used, row!.team_reserved) } : {}),
    organization: scope(row!.org_limit, row!.org_used, row!.org_reserved),
  };
  const credits = Number(row!.credits ?? 0);

  let blocked: BlockedScope | null = account.suspended ? 'suspended' : (['past_due', 'unpaid', 'canceled'] as const).find((s) => s === account.status) ?? null;
  if (!blocked && remaining.user?.remaining != null && remaining.user.remaining < input.quantity) blocked = 'user';
  if (!blocked && remaining.team?.remaining != null && remaining.team.remaining < input.quantity) blocked = 'team';
  const org = remaining.organization;
  if (!blocked && org.remaining !== null && account.overagePolicy === 'hard_cap' && org.remaining + credits < input.quantity) blocked = 'organization';
  const blockedScope = blocked ? (blocked === 'user' ? remaining.user : blocked === 'team' ? remaining.team : blocked === 'organization' ? org : undefined) : undefined;
  return {
    allowed: !blocked,
    reason: blocked ? blockedMessage(blocked, input.metric, blockedScope?.limit ?? null, blockedScope?.remaining ?? null) : null,
    blockedScope: blocked,
    remaining,
    credits,
    overagePolicy: account.overagePolicy,
    periodStart: account.periodStart,
    periodEnd: account.periodEnd,
  };
}
