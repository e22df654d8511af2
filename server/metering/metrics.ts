// The metrics catalog: every kind of usage Meterdesk meters (DESIGN.md, seed 004). Pure data, read
// by the server and the renderer. Aggregation: `sum` adds events up over the period; `max` is a
// gauge (storage in use) whose period value is the highest reading.
export const METRICS = {
  sms_sent: { label: 'SMS sent', unit: 'messages', aggregation: 'sum' },
  sms_received: { label: 'SMS received', unit: 'messages', aggregation: 'sum' },
  mms_sent: { label: 'MMS sent', unit: 'messages', aggregation: 'sum' },
  wa_messages: { label: 'WhatsApp messages', unit: 'messages', aggregation: 'sum' },
  emails_sent: { label: 'Emails sent', unit: 'emails', aggregation: 'sum' },
  calls_made: { label: 'Calls made', unit: 'calls', aggregation: 'sum' },
  calls_received: { label: 'Calls received', unit: 'calls', aggregation: 'sum' },
  call_seconds: { label: 'Call time', unit: 'seconds', aggregation: 'sum' },
  ai_queries: { label: 'AI queries', unit: 'queries', aggregation: 'sum' },
  ai_tokens: { label: 'AI tokens', unit: 'tokens', aggregation: 'sum' },
  ai_voice_generated: { label: 'AI voice generations', unit: 'generations', aggregation: 'sum' },
  documents: { label: 'Documents', unit: 'documents', aggregation: 'sum' },
  storage_mb: { label: 'Storage', unit: 'MB', aggregation: 'max' },
  api_requests: { label: 'API requests', unit: 'requests', aggregation: 'sum' },
  contacts_created: { label: 'Contacts created', unit: 'contacts', aggregation: 'sum' },
  campaigns_launched: { label: 'Campaigns launched', unit: 'campaigns', aggregation: 'sum' },
  journeys_launched: { label: 'Journeys launched', unit: 'journeys', aggregation: 'sum' },
  templates_created: { label: 'Templates created', unit: 'templates', aggregation: 'sum' },
  webhooks_triggered: { label: 'Webhooks triggered', unit: 'deliveries', aggregation: 'sum' },
} as const satisfies Record<string, { label: string; unit: string; aggregation: 'sum' | 'max' }>;

export type MetricKey = keyof typeof METRICS;
export const METRIC_KEYS = Object.keys(METRICS) as [MetricKey, ...MetricKey[]];

/** Gauges: their counters keep the highest reading, and they cannot be reserved. */
export const GAUGE_METRICS = METRIC_KEYS.filter((k) => METRICS[k].aggregation === 'max');
