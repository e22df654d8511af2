import { replayPlanInput } from '../../plan-lab/replay/replay-input';
import { replayPlan } from '../../plan-lab/replay/replay-plan';
import { platformProcedure, router } from '../trpc';

/** Plan lab what-if replay (issue 14): platform staff and finance replay recorded usage against a draft. */
export const planLabReplayRouter = router({
  // A mutation: a run reads months of ledger and is started on purpose, never refetched in the background.
  run: platformProcedure('platform:plans:replay').input(replayPlanInput).mutation(({ ctx, input }) => replayPlan(ctx.db, ctx.clock, input)),
});
