import { z } from 'zod';
import { setCancelAtPeriodEnd } from '../../billing/cancel-subscription';
import { changePlan, changePlanInput } from '../../billing/change-plan';
import { getBillingAccessStatus } from '../../billing/get-billing-access-status';
import { getBillingOverview } from '../../billing/get-billing-overview';
import { checkoutStatusInput, getCheckoutStatus } from '../../billing/get-checkout-status';
import { listBillingInvoices } from '../../billing/list-billing-invoices';
import { openBillingPortal, openBillingPortalInput } from '../../billing/open-billing-portal';
import { previewPlanChange, previewPlanChangeInput } from '../../billing/preview-plan-change';
import { startCheckout, startCheckoutInput } from '../../billing/start-checkout';
import { orgProcedure, router } from '../trpc';

/** The Billing page: admins see it (billing:read), owners act on it (billing:manage). */
export const billingRouter = router({
  /** For every member: the subscription state behind the console's banners. */
  accessStatus: orgProcedure('organization:read').query(({ ctx }) => getBillingAccessStatus(ctx, ctx.organizationId)),
  overview: orgProcedure('billing:read').query(({ ctx }) => getBillingOverview(ctx, ctx.organizationId)),
  invoices: orgProcedure('billing:read').query(({ ctx }) => listBillingInvoices(ctx.db, ctx.organizationId)),
  startCheckout: orgProcedure('billing:manage').input(startCheckoutInput).mutation(({ ctx, input }) => startCheckout(ctx, ctx.actor, input)),
  /** A mutation: a completed session is applied to the mirror. */
  checkoutStatus: orgProcedure('billing:manage').input(checkoutStatusInput).mutation(({ ctx, input }) => getCheckoutStatus(ctx, ctx.actor, input)),
  previewChange: orgProcedure('billing:manage').input(previewPlanChangeInput).query(({ ctx, input }) => previewPlanChange(ctx, ctx.actor, input)),
  changePlan: orgProcedure('billing:manage').input(changePlanInput).mutation(({ ctx, input }) => changePlan(ctx, ctx.actor, input)),
  cancel: orgProcedure('billing:manage').input(z.undefined()).mutation(({ ctx }) => setCancelAtPeriodEnd(ctx, ctx.actor, true)),
  resume: orgProcedure('billing:manage').input(z.undefined()).mutation(({ ctx }) => setCancelAtPeriodEnd(ctx, ctx.actor, false)),
  openPortal: orgProcedure('billing:manage').input(openBillingPortalInput).mutation(({ ctx, input }) => openBillingPortal(ctx, ctx.actor, input)),
});
