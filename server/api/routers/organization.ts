import { z } from 'zod';
import { getOrganizationOverview } from '../../organizations/get-organization-overview';
import { switchOrganization } from '../../organizations/switch-organization';
import { authedProcedure, orgProcedure, router } from '../trpc';

export const organizationRouter = router({
  overview: orgProcedure('organization:read').query(({ ctx }) => getOrganizationOverview(ctx.db, ctx.organizationId)),

  switch: authedProcedure
    .input(z.object({ organizationId: z.uuid('Choose an organization from the list.') }))
    .mutation(async ({ ctx, input }) => {
      await switchOrganization(ctx.db, { sessionId: ctx.session.id, userId: ctx.user.id, organizationId: input.organizationId });
      return { ok: true as const };
    }),
});
