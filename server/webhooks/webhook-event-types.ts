// The events an outbound webhook endpoint can subscribe to (seed 002 §6). Pure data, read by the
// server and the renderer. SMS events are emitted by triggers in the statements that make the change
// (migration usage_outcomes_and_webhook_events, meterdesk_enqueue_webhook_event); billing events by
// emit-billing-webhook-events.ts inside the Stripe event's transaction.
export const WEBHOOK_EVENT_TYPES = {
  'usage.threshold_reached': 'Usage of a metric reached one of the alert thresholds (organization, team or person).',
  'usage.limit_blocked': 'A hard cap refused a send (once per scope, metric and day).',
  'usage.spike': "A day's usage of a metric is several times its trailing 7-day average.",
  'member.invited': 'Someone was invited to the organization.',
  'member.removed': 'A member was removed from the organization.',
  'api_key.created': 'An API key was created.',
  'sms.campaign.completed': 'An SMS campaign finished sending (its messages counted by status).',
  'sms.delivery_failed': 'An SMS was refused by the provider, reported undelivered, or marked failed on review.',
  'sms.opt_out': 'A phone number opted out of SMS (STOP reply, the provider’s list, or a person).',
  'billing.subscription.updated': 'The subscription changed: plan, status, seats or cancellation.',
  'billing.invoice.paid': 'An invoice was paid.',
  'billing.invoice.payment_failed': 'A payment for an invoice failed.',
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WEBHOOK_EVENT_KEYS = Object.keys(WEBHOOK_EVENT_TYPES) as [WebhookEventType, ...WebhookEventType[]];
/** Sent by "Send test event" only; endpoints need not subscribe to it. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
