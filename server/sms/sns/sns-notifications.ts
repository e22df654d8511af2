// Verifies and parses what SNS posts to /webhooks/sns: the envelope's signature with AWS's own
// verifier (sns-validator), accepting a SigningCertURL only on the configured certificate hosts
// (sns.<region>.amazonaws.com in production; the stand-in's host in tests), then the message:
// End User Messaging inbound SMS or SMS delivery events. Anything else is refused or ignored.
import { get } from 'node:https';
import MessageValidator from 'sns-validator';
import { z } from 'zod';
import { SmsNotificationRejected, type DeliveryEvent, type DeliveryEventStatus, type ProviderNotification } from '../sms-provider';

export interface NotificationVerifierOptions {
  /** Exact host[:port] values a SigningCertURL / SubscribeURL may point at. */
  certificateHosts: string[];
  /** How long the SubscribeURL fetch may take. */
  confirmTimeoutMs?: number;
}

export function defaultCertificateHosts(region: string) {
  return [`sns.${region}.amazonaws.com`];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const envelopeSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/, 'TopicArn is not an SNS topic ARN'),
  Message: z.string().max(256 * 1024),
  SubscribeURL: z.string().max(2048).optional(),
  Timestamp: z.string(),
});

const inboundSchema = z.object({
  originationNumber: z.string().min(1).max(32),
  destinationNumber: z.string().min(1).max(32),
  messageKeyword: z.string().max(100).nullish(),
  messageBody: z.string().max(10_000),
  inboundMessageId: z.string().min(1).max(200),
  previousPublishedMessageId: z.string().max(200).nullish(),
});

const deliverySchema = z.object({
  eventType: z.string().regex(/^TEXT_[A-Z_]+$/),
  messageId: z.string().min(1).max(200),
  isFinal: z.boolean(),
  destinationPhoneNumber: z.string().max(32),
  isoCountryCode: z.string().max(8).nullish(),
  totalMessageParts: z.number().int().min(0).max(1000).nullish(),
  totalMessagePrice: z.number().min(0).max(1000).nullish(),
  eventTimestamp: z.number().int().nonnegative(),
});

/** What each End User Messaging event type means for our message row. */
export function deliveryStatusOf(eventType: string): DeliveryEventStatus {
  if (eventType === 'TEXT_DELIVERED' || eventType === 'TEXT_SUCCESSFUL') return 'delivered';
  if (eventType === 'TEXT_QUEUED' || eventType === 'TEXT_PENDING' || eventType === 'TEXT_UNKNOWN') return 'pending';
  return 'failed';
}

/** USD as a JSON number → millionths of USD, rounded (prices carry at most 5–6 decimals). */
export function usdToMicros(usd: number): bigint {
  return BigInt(Math.round(usd * 1_000_000));
}

function verify(rawBody: string, hosts: string[]): Promise<Record<string, unknown>> {
  const pattern = new RegExp(`^(${hosts.map(escapeRegExp).join('|')})$`);
  const validator = new MessageValidator(pattern);
  return new Promise((resolve, reject) => {
    validator.validate(rawBody, (error, message) => {
      if (error || !message) reject(new SmsNotificationRejected(`The SNS signature could not be verified: ${error?.message ?? 'no message'}`));
      else resolve(message);
    });
  });
}

function allowedUrl(raw: string, hosts: string[]): URL | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && hosts.includes(url.host) ? url : null;
  } catch {
    return null;
  }
}

/** GET the SubscribeURL (only https on an allowed host), as SNS asks a new HTTP subscriber to. */
function confirmSubscription(url: URL, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`SNS answered ${res.statusCode} to the subscription confirmation.`))));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('The subscription confirmation timed out.')));
    req.on('error', reject);
  });
}

export async function parseSnsNotification(rawBody: string, options: NotificationVerifierOptions): Promise<ProviderNotification> {
  if (options.certificateHosts.length === 0) throw new SmsNotificationRejected('No SNS certificate host is configured.');
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new SmsNotificationRejected('The body is not JSON.', 400);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SmsNotificationRejected('The body is not an SNS message.', 400);
  const verified = await verify(rawBody, options.certificateHosts);
  const envelope = envelopeSchema.safeParse(verified);
  if (!envelope.success) throw new SmsNotificationRejected(`The SNS message is malformed: ${envelope.error.issues[0]?.message ?? 'invalid'}`);
  const { Type, TopicArn: topicArn, Message } = envelope.data;

  if (Type === 'SubscriptionConfirmation') {
    const url = allowedUrl(envelope.data.SubscribeURL ?? '', options.certificateHosts);
    if (!url) throw new SmsNotificationRejected('The SubscribeURL is not on an allowed SNS host.');
    return { kind: 'subscription_confirmation', topicArn, confirm: () => confirmSubscription(url, options.confirmTimeoutMs ?? 10_000) };
  }
  if (Type === 'UnsubscribeConfirmation') return { kind: 'ignored', topicArn, reason: 'unsubscribe confirmation' };

  let message: unknown;
  try {
    message = JSON.parse(Message);
  } catch {
    return { kind: 'ignored', topicArn, reason: 'the message is not JSON' };
  }
  const inbound = inboundSchema.safeParse(message);
  if (inbound.success) {
    const m = inbound.data;
    return {
      kind: 'inbound',
      topicArn,
      message: {
        providerMessageId: m.inboundMessageId,
        from: m.originationNumber,
        to: m.destinationNumber,
        body: m.messageBody,
        keyword: m.messageKeyword ?? null,
        receivedAt: new Date(envelope.data.Timestamp),
      },
    };
  }
  const delivery = deliverySchema.safeParse(message);
  if (delivery.success) {
    const d = delivery.data;
    const event: DeliveryEvent = {
      providerMessageId: d.messageId,
      eventType: d.eventType,
      status: deliveryStatusOf(d.eventType),
      isFinal: d.isFinal,
      to: d.destinationPhoneNumber,
      country: d.isoCountryCode ?? null,
      parts: d.totalMessageParts ?? null,
      priceMicros: d.totalMessagePrice == null ? null : usdToMicros(d.totalMessagePrice),
      occurredAt: new Date(d.eventTimestamp),
    };
    return { kind: 'delivery', topicArn, event };
  }
  return { kind: 'ignored', topicArn, reason: 'neither an inbound SMS nor an SMS delivery event' };
}
