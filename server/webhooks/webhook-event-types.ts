// The events an outbound webhook endpoint can subscribe to (seed 002 §6). Pure data, read by the
// server and the renderer; billing and SMS events join this list as they land.
export const WEBHOOK_EVENT_TYPES = {
  'usage.threshold_reached': 'Usage of a metric reached one of the alert thresholds (organization, team or person).',
  'usage.limit_blocked': 'A hard cap refused a send (once per scope, metric and day).',
  'usage.spike': "A day's usage of a metric is several times its trailing 7-day average.",
  'member.invited': 'Someone was invited to the organization.',
  'member.removed': 'A member was removed from the organization.',
  'api_key.created': 'An API key was created.',
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WEBHOOK_EVENT_KEYS = Object.keys(WEBHOOK_EVENT_TYPES) as [WebhookEventType, ...WebhookEventType[]];
/** Sent by "Send test event" only; endpoints need not subscribe to it. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
