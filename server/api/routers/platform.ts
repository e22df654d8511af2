import { grantCredits, grantCreditsInput } from '../../metering/grant-credits';
import { revokeQuotaOverride, revokeQuotaOverrideInput, setQuotaOverride, setQuotaOverrideInput } from '../../metering/set-quota-override';
import { issuePasswordResetLink, issuePasswordResetLinkInput } from '../../auth/issue-password-reset-link';
import { getTrialSettings, isInviteOnly, setInviteOnly, setInviteOnlyInput, setTrialSettings, trialSettingsInput } from '../../platform/platform-settings';
import { applyBillingCredit, applyBillingCreditInput } from '../../billing/apply-billing-credit';
import { extendTrial, extendTrialInput } from '../../billing/extend-trial';
import { refundInvoice, refundInvoiceInput } from '../../billing/refund-invoice';
import { setTenantPlan, setTenantPlanInput } from '../../billing/set-tenant-plan';
import { suspendTenant, suspendTenantInput, unsuspendTenant, unsuspendTenantInput } from '../../platform/suspend-tenant';
import { getTenantUsage, getTenantUsageInput } from '../../platform/get-tenant-usage';
import { listTenants, listTenantsInput } from '../../platform/list-tenants';
import { getUsageRetentionMonths, setUsageRetentionMonths, usageRetentionInput } from '../../ledger/usage-retention';
import { platformProcedure, router } from '../trpc';

/** The platform's staff acting on a tenant. Every change is audited in the tenant's trail with a reason. */
export const platformRouter = router({
  grantCredits: platformProcedure('platform:credits:grant').input(grantCreditsInput).mutation(({ ctx, input }) => grantCredits(ctx.db, ctx.user.id, input, ctx.clock)),
  setQuotaOverride: platformProcedure('platform:tenants:manage').input(setQuotaOverrideInput).mutation(({ ctx, input }) => setQuotaOverride(ctx.db, ctx.user.id, input, ctx.clock)),
  revokeQuotaOverride: platformProcedure('platform:tenants:manage').input(revokeQuotaOverrideInput).mutation(({ ctx, input }) => revokeQuotaOverride(ctx.db, ctx.user.id, input, ctx.clock)),
  issuePasswordResetLink: platformProcedure('platform:users:reset_password').input(issuePasswordResetLinkInput).mutation(({ ctx, input }) => issuePasswordResetLink(ctx, ctx.user.id, input)),
  // Billing on a tenant's behalf (each with a reason and a client request id; audited once per request).
  setTenantPlan: platformProcedure('platform:billing:set_plan').input(setTenantPlanInput).mutation(({ ctx, input }) => setTenantPlan(ctx, ctx.user.id, input)),
  extendTrial: platformProcedure('platform:trials:extend').input(extendTrialInput).mutation(({ ctx, input }) => extendTrial(ctx, ctx.user.id, input)),
  /** Money on the Stripe customer balance — not grantCredits, which grants metering units. */
  applyBillingCredit: platformProcedure('platform:billing:credit').input(applyBillingCreditInput).mutation(({ ctx, input }) => applyBillingCredit(ctx, ctx.user.id, input)),
  refundInvoice: platformProcedure('platform:billing:refund').input(refundInvoiceInput).mutation(({ ctx, input }) => refundInvoice(ctx, ctx.user.id, input)),
  suspendTenant: platformProcedure('platform:tenants:suspend').input(suspendTenantInput).mutation(({ ctx, input }) => suspendTenant(ctx, ctx.user.id, input)),
  unsuspendTenant: platformProcedure('platform:tenants:suspend').input(unsuspendTenantInput).mutation(({ ctx, input }) => unsuspendTenant(ctx, ctx.user.id, input)),
  settings: platformProcedure('platform:settings:manage').query(async ({ ctx }) => ({ inviteOnly: await isInviteOnly(ctx.db) })),
  setInviteOnly: platformProcedure('platform:settings:manage').input(setInviteOnlyInput).mutation(({ ctx, input }) => setInviteOnly(ctx.db, ctx.user.id, input, ctx.clock.now())),
  trialSettings: platformProcedure('platform:settings:manage').query(({ ctx }) => getTrialSettings(ctx.db)),
  listTenants: platformProcedure('platform:tenants:read').input(listTenantsInput).query(({ ctx, input }) => listTenants(ctx.db, input, ctx.clock)),
  tenantUsage: platformProcedure('platform:tenants:read').input(getTenantUsageInput).query(({ ctx, input }) => getTenantUsage(ctx.db, input, ctx.clock)),
  setTrialSettings: platformProcedure('platform:settings:manage').input(trialSettingsInput).mutation(({ ctx, input }) => setTrialSettings(ctx.db, ctx.user.id, input, ctx.clock.now())),
  // How many months of raw usage events are kept before archiving (server/ledger/usage-retention.ts).
  usageRetention: platformProcedure('platform:settings:manage').query(async ({ ctx }) => ({ months: await getUsageRetentionMonths(ctx.db) })),
  setUsageRetention: platformProcedure('platform:settings:manage').input(usageRetentionInput).mutation(({ ctx, input }) => setUsageRetentionMonths(ctx.db, ctx.user.id, input, ctx.clock.now())),
});
