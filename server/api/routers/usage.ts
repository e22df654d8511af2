import { getEntitlements } from '../../metering/get-entitlements';
import { getUsageSummary, usageSummaryInput } from '../../metering/get-usage-summary';
import { getUsageBreakdown, usageBreakdownInput } from '../../usage/get-usage-breakdown';
import { getUsageOverview, usageOverviewInput } from '../../usage/get-usage-overview';
import { listUsageEvents, listUsageEventsInput } from '../../usage/list-usage-events';
import { orgProcedure, router } from '../trpc';

export const usageRouter = router({
  summary: orgProcedure('usage:read').input(usageSummaryInput).query(({ ctx, input }) => getUsageSummary(ctx.db, ctx.organizationId, input, ctx.clock)),
  entitlements: orgProcedure('organization:read').query(({ ctx }) => getEntitlements(ctx.db, ctx.organizationId, ctx.clock)),
  // Usage dashboards: usage:read_own is the least needed; the reach (organization, managed teams,
  // yourself) is decided inside from the role (server/usage/usage-reach.ts).
  overview: orgProcedure('usage:read_own').input(usageOverviewInput).query(({ ctx, input }) => getUsageOverview(ctx.db, ctx.actor, input, ctx.clock)),
  breakdown: orgProcedure('usage:read_own').input(usageBreakdownInput).query(({ ctx, input }) => getUsageBreakdown(ctx.db, ctx.actor, input, ctx.clock)),
  events: orgProcedure('usage:read_own').input(listUsageEventsInput).query(({ ctx, input }) => listUsageEvents(ctx.db, ctx.actor, input)),
});
