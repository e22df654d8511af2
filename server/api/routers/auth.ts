import { signIn, signInInput } from '../../auth/sign-in';
import { signOut } from '../../auth/sign-out';
import { signOutEverywhere } from '../../auth/sign-out-everywhere';
import { signUp, signUpInput } from '../../auth/sign-up';
import { listMyOrganizations } from '../../organizations/list-my-organizations';
import { ORG_ROLE_PERMISSIONS, PLATFORM_ROLE_PERMISSIONS, type OrgRoleName } from '../../permissions/permissions';
import { describePasswordReset, describePasswordResetInput, resetPassword, resetPasswordInput } from '../../auth/reset-password';
import { requestPasswordReset, requestPasswordResetInput } from '../../auth/request-password-reset';
import { isInviteOnly } from '../../platform/platform-settings';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const authRouter = router({
  /** Who is signed in, their organizations, the acting one and what they may do there; null when signed out. */
  me: publicProcedure.query(async ({ ctx }) => {
    if (!ctx.session) return null;
    // While impersonating, only the tenant being looked after: the user's other organizations stay out of sight.
    const organizations = (await listMyOrganizations(ctx.db, ctx.session.user.id)).filter((o) => !ctx.impersonation || o.id === ctx.impersonation.organizationId);
    const active = organizations.find((o) => o.id === ctx.session!.activeOrganizationId) ?? null;
    const { user } = ctx.session;
    // "Welcome" rather than "Welcome back": no session of theirs predates this one (sign-up and
    // accepting an invitation start the first).
    const earlier = await ctx.db.prisma.session.findFirst({
      where: { userId: user.id, id: { not: ctx.session.id }, createdAt: { lte: ctx.session.createdAt } },
      select: { id: true },
    });
    return {
      user: { id: user.id, email: user.email, name: user.name, platformRole: user.platformRole },
      organizations,
      activeOrganization: active,
      permissions: active ? ORG_ROLE_PERMISSIONS[active.role as OrgRoleName] : [],
      platformPermissions: user.platformRole ? PLATFORM_ROLE_PERMISSIONS[user.platformRole] : [],
      sessionExpiresAt: ctx.session.expiresAt,
      firstSession: !earlier,
      /** Set while platform staff act as this user: the banner shows it. */
      impersonation: ctx.impersonation ?? null,
    };
  }),

  /** What the sign-in screen offers: "Create an account" unless invite-only; reset by email with SMTP. */
  options: publicProcedure.query(async ({ ctx }) => ({ signUpOpen: !(await isInviteOnly(ctx.db)), passwordResetByEmail: ctx.mailer.transport === 'smtp' })),

  /** Same answer whatever the email; the email (if any) goes out after the answer. */
  requestPasswordReset: publicProcedure.input(requestPasswordResetInput).mutation(({ ctx, input }) => {
    const { delivered: _delivered, ...answer } = requestPasswordReset(ctx, input);
    return answer;
  }),

  describePasswordReset: publicProcedure.input(describePasswordResetInput).query(({ ctx, input }) => describePasswordReset(ctx.db, input, ctx.clock)),

  resetPassword: publicProcedure.input(resetPasswordInput).mutation(({ ctx, input }) => resetPassword(ctx.db, input, { clock: ctx.clock })),

  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const session = await signUp(ctx.db, input, { clock: ctx.clock, policy: ctx.authPolicy, userAgent: ctx.request.userAgent });
    await ctx.carrier.store(session.token, { remember: input.remember, expiresAt: session.expiresAt });
    return { ok: true as const };
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const session = await signIn(ctx.db, input, { clock: ctx.clock, policy: ctx.authPolicy, userAgent: ctx.request.userAgent });
    await ctx.carrier.store(session.token, { remember: input.remember, expiresAt: session.expiresAt });
    return { ok: true as const };
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.db, ctx.session.id, ctx.clock);
    await ctx.carrier.clear();
    return { ok: true as const };
  }),

  signOutEverywhere: authedProcedure.mutation(async ({ ctx }) => {
    const revoked = await signOutEverywhere(ctx.db, ctx.user.id, ctx.clock);
    await ctx.carrier.clear();
    return { revoked };
  }),
});
