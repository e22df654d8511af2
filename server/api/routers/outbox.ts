import { listOutbox } from '../../mail/list-outbox';
import { orgProcedure, router } from '../trpc';

export const outboxRouter = router({
  list: orgProcedure('invitations:manage').query(({ ctx }) => listOutbox(ctx.db, ctx.keychain, ctx.organizationId)),
});
