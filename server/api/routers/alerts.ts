import { getAlertSettings, updateAlertSettings, updateAlertSettingsInput } from '../../alerts/alert-settings';
import { getUsageBanner } from '../../alerts/get-usage-banner';
import { listAlertFirings, listAlertFiringsInput } from '../../alerts/list-alert-firings';
import { orgProcedure, router } from '../trpc';

export const alertsRouter = router({
  /** The shell's banner: org limits at ≥ 90 %, sends blocked today. Every member sees it. */
  banner: orgProcedure('organization:read').query(({ ctx }) => getUsageBanner(ctx.db, ctx.organizationId, ctx.user.id, ctx.clock)),
  list: orgProcedure('usage:read').input(listAlertFiringsInput).query(({ ctx, input }) => listAlertFirings(ctx.db, ctx.organizationId, input)),
  settings: orgProcedure('usage:read').query(({ ctx }) => getAlertSettings(ctx.db, ctx.organizationId)),
  updateSettings: orgProcedure('organization:update').input(updateAlertSettingsInput).mutation(({ ctx, input }) => updateAlertSettings(ctx.db, ctx.actor, input)),
});
