// The signed-in person's own account: password, sessions. Everything acts on ctx.user only.
import { changePassword, changePasswordInput } from '../../auth/change-password';
import { listSessions } from '../../auth/list-sessions';
import { revokeSession, revokeSessionInput } from '../../auth/revoke-session';
import { authedProcedure, router } from '../trpc';

export const accountRouter = router({
  sessions: authedProcedure.query(({ ctx }) => listSessions(ctx.db, { userId: ctx.user.id, currentSessionId: ctx.session.id }, ctx.clock)),

  revokeSession: authedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    const result = await revokeSession(ctx.db, ctx.user.id, input, ctx.clock);
    // Ending the session in use is signing out here.
    if (input.sessionId === ctx.session.id) await ctx.carrier.clear();
    return { ...result, signedOut: input.sessionId === ctx.session.id };
  }),

  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) =>
      changePassword(ctx.db, { userId: ctx.user.id, email: ctx.user.email, name: ctx.user.name, sessionId: ctx.session.id }, input, { clock: ctx.clock, policy: ctx.authPolicy }),
    ),
});
