import { exportAuditEvents, exportAuditEventsInput } from '../../audit/export-audit-events';
import { getAuditChainState } from '../../audit/get-audit-chain-state';
import { listAuditActors, listAuditEvents, listAuditEventsInput } from '../../audit/list-audit-events';
import { listImpersonationSessions } from '../../impersonation/list-impersonation-sessions';
import { orgProcedure, router } from '../trpc';

export const auditRouter = router({
  list: orgProcedure('audit:read').input(listAuditEventsInput).query(({ ctx, input }) => listAuditEvents(ctx.db, ctx.organizationId, input)),
  /** People in the trail, as actors or as impersonating staff: the actor filter's choices. */
  actors: orgProcedure('audit:read').query(({ ctx }) => listAuditActors(ctx.db, ctx.organizationId)),
  /** The organization's hash chain, verified from its first event. */
  chainState: orgProcedure('audit:read').query(({ ctx }) => getAuditChainState(ctx.db, ctx.organizationId)),
  /** The filtered trail as CSV. A query: it changes nothing, so it is also available while impersonating read-only. */
  export: orgProcedure('audit:read').input(exportAuditEventsInput).query(({ ctx, input }) => exportAuditEvents(ctx.db, ctx.organizationId, input)),
  /** Platform staff who acted as the organization's users: who, as whom, why, for how long. */
  impersonations: orgProcedure('audit:read').query(({ ctx }) => listImpersonationSessions(ctx.db, ctx.organizationId, ctx.clock)),
});
