import { createWebhookEndpoint, createWebhookEndpointInput } from '../../webhooks/create-webhook-endpoint';
import { deleteWebhookEndpoint, deleteWebhookEndpointInput } from '../../webhooks/delete-webhook-endpoint';
import { listWebhookDeliveries, listWebhookDeliveriesInput } from '../../webhooks/list-webhook-deliveries';
import { listWebhookEndpoints } from '../../webhooks/list-webhook-endpoints';
import { replayWebhookDelivery, replayWebhookDeliveryInput } from '../../webhooks/replay-webhook-delivery';
import { sendTestWebhook, sendTestWebhookInput } from '../../webhooks/send-test-webhook';
import { setWebhookSettings, setWebhookSettingsInput } from '../../webhooks/set-webhook-settings';
import { updateWebhookEndpoint, updateWebhookEndpointInput } from '../../webhooks/update-webhook-endpoint';
import { orgProcedure, router } from '../trpc';

export const webhooksRouter = router({
  list: orgProcedure('webhooks:manage').query(({ ctx }) => listWebhookEndpoints(ctx.db, ctx.organizationId)),
  /** Returns the signing secret once; the database keeps it sealed under a keychain key. */
  create: orgProcedure('webhooks:manage').input(createWebhookEndpointInput).mutation(({ ctx, input }) => createWebhookEndpoint(ctx, ctx.actor, input)),
  update: orgProcedure('webhooks:manage').input(updateWebhookEndpointInput).mutation(({ ctx, input }) => updateWebhookEndpoint(ctx, ctx.actor, input)),
  delete: orgProcedure('webhooks:manage').input(deleteWebhookEndpointInput).mutation(({ ctx, input }) => deleteWebhookEndpoint(ctx, ctx.actor, input)),
  deliveries: orgProcedure('webhooks:manage').input(listWebhookDeliveriesInput).query(({ ctx, input }) => listWebhookDeliveries(ctx.db, ctx.organizationId, input)),
  replay: orgProcedure('webhooks:manage').input(replayWebhookDeliveryInput).mutation(({ ctx, input }) => replayWebhookDelivery(ctx, ctx.actor, input)),
  sendTest: orgProcedure('webhooks:manage').input(sendTestWebhookInput).mutation(({ ctx, input }) => sendTestWebhook(ctx, ctx.actor, input)),
  setSettings: orgProcedure('webhooks:manage').input(setWebhookSettingsInput).mutation(({ ctx, input }) => setWebhookSettings(ctx.db, ctx.actor, input)),
});
