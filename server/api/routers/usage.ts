import { getEntitlements } from '../../metering/get-entitlements';
import { getUsageSummary, usageSummaryInput } from '../../metering/get-usage-summary';
import { orgProcedure, router } from '../trpc';

export const usageRouter = router({
  summary: orgProcedure('usage:read').input(usageSummaryInput).query(({ ctx, input }) => getUsageSummary(ctx.db, ctx.organizationId, input, ctx.clock)),
  entitlements: orgProcedure('organization:read').query(({ ctx }) => getEntitlements(ctx.db, ctx.organizationId, ctx.clock)),
});
