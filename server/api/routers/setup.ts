import { completeFirstRun, completeFirstRunInput } from '../../setup/complete-first-run';
import { getSetupStatus } from '../../setup/get-setup-status';
import { loadDemoData } from '../../setup/load-demo-data';
import { publicProcedure, router } from '../trpc';

export const setupRouter = router({
  status: publicProcedure.query(({ ctx }) => getSetupStatus(ctx.db)),

  completeFirstRun: publicProcedure.input(completeFirstRunInput).mutation(async ({ ctx, input }) => {
    const session = await completeFirstRun(ctx.db, input, { clock: ctx.clock, policy: ctx.authPolicy, userAgent: ctx.request.userAgent });
    await ctx.carrier.store(session.token, { remember: input.remember, expiresAt: session.expiresAt });
    return { ok: true as const };
  }),

  loadDemoData: publicProcedure.mutation(({ ctx }) => loadDemoData(ctx.db, ctx.clock)),
});
