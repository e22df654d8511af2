import { getOverageStatus } from '../../billing/get-overage-status';
import { orgProcedure, router } from '../trpc';

export const billingOverageRouter = router({
  /** Overage this period per billable metric: units, reported, pending, failed, last error. */
  overview: orgProcedure('billing:read').query(({ ctx }) => getOverageStatus(ctx.db, ctx.organizationId, ctx.clock)),
});
