import { endImpersonation } from '../../impersonation/end-impersonation';
import { escalateImpersonation, escalateImpersonationInput } from '../../impersonation/escalate-impersonation';
import { listImpersonationCandidates, listImpersonationCandidatesInput } from '../../impersonation/list-impersonation-candidates';
import { startImpersonation, startImpersonationInput } from '../../impersonation/start-impersonation';
import { authedProcedure, impersonatingProcedure, platformProcedure, router } from '../trpc';

/** Platform support acting as a tenant's user (server/impersonation): start, escalate, end; the banner reads `current`. */
export const impersonationRouter = router({
  candidates: platformProcedure('platform:impersonate').input(listImpersonationCandidatesInput).query(({ ctx, input }) => listImpersonationCandidates(ctx.db, input)),
  start: platformProcedure('platform:impersonate')
    .input(startImpersonationInput)
    .mutation(({ ctx, input }) => startImpersonation(ctx.db, { userId: ctx.user.id, sessionId: ctx.session.id }, input, ctx.clock)),
  /** The impersonation this session is in, for the banner; null when none. */
  current: authedProcedure.query(({ ctx }) => ctx.impersonation ?? null),
  escalate: impersonatingProcedure.input(escalateImpersonationInput).mutation(({ ctx, input }) => escalateImpersonation(ctx.db, ctx.impersonation, input, ctx.clock)),
  end: impersonatingProcedure.mutation(async ({ ctx }) => ({ ended: await endImpersonation(ctx.db, ctx.impersonation, 'ended', ctx.clock) })),
});
