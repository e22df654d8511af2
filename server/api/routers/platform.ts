import { grantCredits, grantCreditsInput } from '../../metering/grant-credits';
import { revokeQuotaOverride, revokeQuotaOverrideInput, setQuotaOverride, setQuotaOverrideInput } from '../../metering/set-quota-override';
import { issuePasswordResetLink, issuePasswordResetLinkInput } from '../../auth/issue-password-reset-link';
import { isInviteOnly, setInviteOnly, setInviteOnlyInput } from '../../platform/platform-settings';
import { platformProcedure, router } from '../trpc';

/** The platform's staff acting on a tenant. Every change is audited in the tenant's trail with a reason. */
export const platformRouter = router({
  grantCredits: platformProcedure('platform:credits:grant').input(grantCreditsInput).mutation(({ ctx, input }) => grantCredits(ctx.db, ctx.user.id, input, ctx.clock)),
  setQuotaOverride: platformProcedure('platform:tenants:manage').input(setQuotaOverrideInput).mutation(({ ctx, input }) => setQuotaOverride(ctx.db, ctx.user.id, input, ctx.clock)),
  revokeQuotaOverride: platformProcedure('platform:tenants:manage').input(revokeQuotaOverrideInput).mutation(({ ctx, input }) => revokeQuotaOverride(ctx.db, ctx.user.id, input, ctx.clock)),
  issuePasswordResetLink: platformProcedure('platform:users:reset_password').input(issuePasswordResetLinkInput).mutation(({ ctx, input }) => issuePasswordResetLink(ctx, ctx.user.id, input)),
  settings: platformProcedure('platform:settings:manage').query(async ({ ctx }) => ({ inviteOnly: await isInviteOnly(ctx.db) })),
  setInviteOnly: platformProcedure('platform:settings:manage').input(setInviteOnlyInput).mutation(({ ctx, input }) => setInviteOnly(ctx.db, ctx.user.id, input, ctx.clock.now())),
});
