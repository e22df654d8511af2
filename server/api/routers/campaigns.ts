import { cancelCampaign, cancelCampaignInput } from '../../campaigns/cancel-campaign';
import { createCampaign, createCampaignInput } from '../../campaigns/create-campaign';
import { getCampaign, getCampaignInput } from '../../campaigns/get-campaign';
import { launchCampaign, launchCampaignInput } from '../../campaigns/launch-campaign';
import { listCampaignMessages, listCampaignMessagesInput } from '../../campaigns/list-campaign-messages';
import { listCampaigns, listCampaignsInput } from '../../campaigns/list-campaigns';
import { pauseCampaign, pauseCampaignInput } from '../../campaigns/pause-campaign';
import { previewCampaign, previewCampaignInput } from '../../campaigns/preview-campaign';
import { resumeCampaign, resumeCampaignInput } from '../../campaigns/resume-campaign';
import { reviewUnknownMessages, reviewUnknownMessagesInput } from '../../campaigns/review-unknown-messages';
import { updateCampaign, updateCampaignInput } from '../../campaigns/update-campaign';
import { listContactTags } from '../../contacts/list-contact-tags';
import { smsProviderFor } from '../../sms/sms-provider-for-organization';
import { syncOptOuts } from '../../sms/sync-opt-outs';
import { orgProcedure, router } from '../trpc';

// Reading needs communications:read_own (every role that reads has it); what is seen is widened by
// read_team / read_all inside the use cases (server/campaigns/campaign-access.ts).
export const campaignsRouter = router({
  list: orgProcedure('communications:read_own').input(listCampaignsInput).query(({ ctx, input }) => listCampaigns(ctx.db, ctx.actor, input)),
  get: orgProcedure('communications:read_own').input(getCampaignInput).query(({ ctx, input }) => getCampaign(ctx.db, ctx.actor, input, ctx.clock)),
  messages: orgProcedure('communications:read_own').input(listCampaignMessagesInput).query(({ ctx, input }) => listCampaignMessages(ctx.db, ctx.actor, input)),
  audienceTags: orgProcedure('communications:send').query(({ ctx }) => listContactTags(ctx.db, ctx.actor)),
  preview: orgProcedure('communications:send').input(previewCampaignInput).query(({ ctx, input }) => previewCampaign(ctx.db, ctx.actor, input, ctx.clock)),
  create: orgProcedure('communications:send').input(createCampaignInput).mutation(({ ctx, input }) => createCampaign(ctx.db, ctx.actor, input)),
  update: orgProcedure('communications:send').input(updateCampaignInput).mutation(({ ctx, input }) => updateCampaign(ctx.db, ctx.actor, input)),
  launch: orgProcedure('communications:send')
    .input(launchCampaignInput)
    .mutation(({ ctx, input }) =>
      launchCampaign(ctx.db, ctx.actor, input, ctx.clock, {
        // Refused when SMS is not connected; the provider's opt-out list is read first.
        beforePlanning: async () => void (await syncOptOuts(ctx.db, await smsProviderFor(ctx, ctx.organizationId), ctx.organizationId, ctx.clock)),
      }),
    ),
  pause: orgProcedure('communications:send').input(pauseCampaignInput).mutation(({ ctx, input }) => pauseCampaign(ctx.db, ctx.actor, input, ctx.clock)),
  resume: orgProcedure('communications:send').input(resumeCampaignInput).mutation(({ ctx, input }) => resumeCampaign(ctx.db, ctx.actor, input, ctx.clock)),
  cancel: orgProcedure('communications:send').input(cancelCampaignInput).mutation(({ ctx, input }) => cancelCampaign(ctx.db, ctx.actor, input, ctx.clock)),
  reviewUnknown: orgProcedure('communications:send').input(reviewUnknownMessagesInput).mutation(({ ctx, input }) => reviewUnknownMessages(ctx.db, ctx.actor, input, ctx.clock)),
});
