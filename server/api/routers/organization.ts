import { z } from 'zod';
import { getOrganizationOverview } from '../../organizations/get-organization-overview';
import { getBillingProfile, getOrganizationSettings } from '../../organizations/get-organization-settings';
import { switchOrganization } from '../../organizations/switch-organization';
import { updateBillingProfile, updateBillingProfileInput } from '../../organizations/update-billing-profile';
import { updateOrganizationSettings, updateOrganizationSettingsInput } from '../../organizations/update-organization-settings';
import { transferOwnership, transferOwnershipInput } from '../../organizations/transfer-ownership';
import { cancelOrganizationDeletion, erasesAt, scheduleOrganizationDeletion, scheduleOrganizationDeletionInput } from '../../organizations/organization-deletion';
import { authedProcedure, orgProcedure, router } from '../trpc';

export const organizationRouter = router({
  overview: orgProcedure('organization:read').query(({ ctx }) => getOrganizationOverview(ctx.db, ctx.actor)),

  settings: orgProcedure('organization:read').query(({ ctx }) => getOrganizationSettings(ctx.db, ctx.organizationId)),
  updateSettings: orgProcedure('organization:update')
    .input(updateOrganizationSettingsInput)
    .mutation(({ ctx, input }) => updateOrganizationSettings(ctx.db, ctx.actor, input)),
  billingProfile: orgProcedure('billing:read').query(({ ctx }) => getBillingProfile(ctx.db, ctx.organizationId)),
  updateBillingProfile: orgProcedure('billing:manage')
    .input(updateBillingProfileInput)
    .mutation(({ ctx, input }) => updateBillingProfile(ctx.db, ctx.actor, input)),

  /** Whether a deletion is pending (every member sees the banner), and when the data will be erased. */
  deletionStatus: orgProcedure('organization:read').query(async ({ ctx }) => {
    const org = await ctx.db.prisma.organization.findUniqueOrThrow({ where: { id: ctx.organizationId }, select: { deletionScheduledAt: true } });
    return { deletionScheduledAt: org.deletionScheduledAt, erasesAt: erasesAt(org.deletionScheduledAt) };
  }),
  transferOwnership: orgProcedure('organization:transfer_ownership').input(transferOwnershipInput).mutation(({ ctx, input }) => transferOwnership(ctx.db, ctx.actor, input)),
  scheduleDeletion: orgProcedure('organization:delete').input(scheduleOrganizationDeletionInput).mutation(({ ctx, input }) => scheduleOrganizationDeletion(ctx.db, ctx.actor, input, ctx.clock)),
  cancelDeletion: orgProcedure('organization:delete').mutation(({ ctx }) => cancelOrganizationDeletion(ctx.db, ctx.actor)),

  switch: authedProcedure
    .input(z.object({ organizationId: z.uuid('Choose an organization from the list.') }))
    .mutation(async ({ ctx, input }) => {
      await switchOrganization(ctx.db, { sessionId: ctx.session.id, userId: ctx.user.id, organizationId: input.organizationId });
      return { ok: true as const };
    }),
});
