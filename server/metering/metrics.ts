// The metrics catalog: every kind of usage Meterdesk meters (DESIGN.md, seed 004). Pure data, read
// by the server and the renderer.
export const METRICS = {
  sms_sent: { label: 'SMS sent', unit: 'messages' },
  sms_received: { label: 'SMS received', unit: 'messages' },
  mms_sent: { label: 'MMS sent', unit: 'messages' },
  wa_messages: { label: 'WhatsApp messages', unit: 'messages' },
  emails_sent: { label: 'Emails sent', unit: 'emails' },
  calls_made: { label: 'Calls made', unit: 'calls' },
  calls_received: { label: 'Calls received', unit: 'calls' },
  call_seconds: { label: 'Call time', unit: 'seconds' },
  ai_queries: { label: 'AI queries', unit: 'queries' },
  ai_tokens: { label: 'AI tokens', unit: 'tokens' },
  ai_voice_generated: { label: 'AI voice generations', unit: 'generations' },
  documents: { label: 'Documents', unit: 'documents' },
  storage_mb: { label: 'Storage', unit: 'MB' },
  api_requests: { label: 'API requests', unit: 'requests' },
  contacts_created: { label: 'Contacts created', unit: 'contacts' },
  campaigns_launched: { label: 'Campaigns launched', unit: 'campaigns' },
  journeys_launched: { label: 'Journeys launched', unit: 'journeys' },
  templates_created: { label: 'Templates created', unit: 'templates' },
  webhooks_triggered: { label: 'Webhooks triggered', unit: 'deliveries' },
} as const;

export type MetricKey = keyof typeof METRICS;
export const METRIC_KEYS = Object.keys(METRICS) as [MetricKey, ...MetricKey[]];
