import { deleteSmsCredentials } from '../../sms/delete-sms-credentials';
import { AppError } from '../../errors';
import { getSmsChannel } from '../../sms/get-sms-channel';
import { listRevocationReviews } from '../../sms/list-revocation-reviews';
import { resolveRevocationReview } from '../../sms/resolve-revocation-review';
import { saveSmsCredentials } from '../../sms/save-sms-credentials';
import { resolveReviewInput, saveSmsCredentialsInput, updateSmsChannelInput } from '../../sms/sms-channel-schemas';
import { smsProviderFor } from '../../sms/sms-provider-for-organization';
import { syncOptOuts } from '../../sms/sync-opt-outs';
import { testSmsConnection } from '../../sms/test-sms-connection';
import { updateSmsChannel } from '../../sms/update-sms-channel';
import { orgProcedure, router, type Context } from '../trpc';

function credentialsOf(ctx: Pick<Context, 'connections'>) {
  if (!ctx.connections) throw new AppError('PRECONDITION_FAILED', 'Connections are not available in this process.');
  return ctx.connections.store;
}

/** Settings → Channels → SMS (AWS SNS) and the review of replies that may revoke consent: admins and owners. */
export const smsRouter = router({
  channel: orgProcedure('organization:update').query(({ ctx }) => getSmsChannel({ db: ctx.db, credentials: credentialsOf(ctx), sms: ctx.sms }, ctx.organizationId)),
  saveCredentials: orgProcedure('organization:update')
    .input(saveSmsCredentialsInput)
    .mutation(({ ctx, input }) => saveSmsCredentials({ db: ctx.db, credentials: credentialsOf(ctx) }, ctx.actor, input)),
  deleteCredentials: orgProcedure('organization:update').mutation(({ ctx }) => deleteSmsCredentials({ db: ctx.db, credentials: credentialsOf(ctx) }, ctx.actor)),
  testConnection: orgProcedure('organization:update').mutation(({ ctx }) => testSmsConnection({ db: ctx.db, clock: ctx.clock, credentials: credentialsOf(ctx), sms: ctx.sms }, ctx.organizationId)),
  senders: orgProcedure('organization:update').query(async ({ ctx }) => {
    const provider = await smsProviderFor(ctx, ctx.organizationId);
    try {
      return await provider.listSenderIdentities();
    } finally {
      provider.destroy();
    }
  }),
  updateChannel: orgProcedure('organization:update').input(updateSmsChannelInput).mutation(({ ctx, input }) => updateSmsChannel(ctx.db, ctx.actor, input)),
  syncOptOuts: orgProcedure('organization:update').mutation(async ({ ctx }) => {
    const provider = await smsProviderFor(ctx, ctx.organizationId);
    try {
      return await syncOptOuts(ctx.db, provider, ctx.organizationId, ctx.clock);
    } finally {
      provider.destroy();
    }
  }),
  reviews: orgProcedure('organization:update').query(({ ctx }) => listRevocationReviews(ctx.db, ctx.organizationId)),
  resolveReview: orgProcedure('organization:update').input(resolveReviewInput).mutation(({ ctx, input }) => resolveRevocationReview(ctx.db, ctx.clock, ctx.actor, input)),
});
