import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { getUsageSummary } from '../metering/get-usage-summary';

export const getTenantUsageInput = z.object({ organizationId: z.uuid('organizationId must be an organization id') });

/**
 * A tenant's usage this period for the platform's staff, with its quota overrides and credit grants
 * (active and past), so an override or a grant is set knowing where the tenant stands.
 */
export async function getTenantUsage(db: Database, input: z.output<typeof getTenantUsageInput>, clock: Clock) {
  const organization = await db.prisma.organization.findUnique({ where: { id: input.organizationId }, select: { id: true, name: true, slug: true } });
  if (!organization) throw new AppError('NOT_FOUND', 'That organization does not exist.');
  const summary = await getUsageSummary(db, organization.id, {}, clock);
  const now = clock.now();
  const overrides = await db.prisma.quotaOverride.findMany({ where: { organizationId: organization.id }, orderBy: { createdAt: 'desc' }, take: 50 });
  const grants = await db.prisma.creditGrant.findMany({ where: { organizationId: organization.id }, orderBy: { createdAt: 'desc' }, take: 50 });
  return {
    organization,
    summary,
    overrides: overrides.map((o) => ({
      id: o.id,
      metric: o.metric,
      limit: o.limit === null ? null : Number(o.limit),
      startsAt: o.startsAt,
      endsAt: o.endsAt,
      reason: o.reason,
      revokedAt: o.revokedAt,
      active: !o.revokedAt && o.startsAt <= now && o.endsAt > now,
    })),
    grants: grants.map((g) => ({
      id: g.id,
      metric: g.metric,
      amount: Number(g.amount),
      remaining: Number(g.remaining),
      priority: g.priority,
      expiresAt: g.expiresAt,
      reason: g.reason,
      createdAt: g.createdAt,
      active: Number(g.remaining) > 0 && (!g.expiresAt || g.expiresAt > now),
    })),
  };
}
