import { listAuditEvents, listAuditEventsInput } from '../../audit/list-audit-events';
import { orgProcedure, router } from '../trpc';

export const auditRouter = router({
  list: orgProcedure('audit:read').input(listAuditEventsInput).query(({ ctx, input }) => listAuditEvents(ctx.db, ctx.organizationId, input)),
});
