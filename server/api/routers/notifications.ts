import { countUnreadNotifications, listNotifications, listNotificationsInput } from '../../notifications/list-notifications';
import { markNotificationsRead, markNotificationsReadInput } from '../../notifications/mark-notifications-read';
import { orgProcedure, router } from '../trpc';

// Everyone's own notification centre: every role may read and mark its own notifications.
export const notificationsRouter = router({
  list: orgProcedure('organization:read').input(listNotificationsInput).query(({ ctx, input }) => listNotifications(ctx.db, ctx.organizationId, ctx.user.id, input)),
  unreadCount: orgProcedure('organization:read').query(({ ctx }) => countUnreadNotifications(ctx.db, ctx.organizationId, ctx.user.id)),
  markRead: orgProcedure('organization:read').input(markNotificationsReadInput).mutation(({ ctx, input }) => markNotificationsRead(ctx.db, ctx.organizationId, ctx.user.id, input, ctx.clock)),
});
