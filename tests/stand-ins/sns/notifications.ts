// SNS HTTP(S) deliveries as SNS makes them: a JSON envelope (Type, MessageId, TopicArn, Message,
// Timestamp, SignatureVersion 2, Signature, SigningCertURL, …) signed with RSA-SHA256 over the
// canonical "Key\nValue\n" string, POSTed with the x-amz-sns-* headers and content-type
// text/plain. The signing certificate is the stand-in's own, served over HTTPS by the stand-in
// (sns-validator only fetches https:// certificate URLs).
import { createSign, randomUUID } from 'node:crypto';
import { request } from 'node:http';

export interface SnsEnvelope {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  Token?: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  SubscribeURL?: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL?: string;
}

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'SubscribeURL', 'Timestamp', 'TopicArn', 'Type'] as const;
const SUBSCRIPTION_KEYS = ['Message', 'MessageId', 'Subject', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/** The string SNS signs (and sns-validator rebuilds): each present key and its value, one per line. */
export function stringToSign(envelope: Omit<SnsEnvelope, 'Signature' | 'SignatureVersion' | 'SigningCertURL'>) {
  const keys = envelope.Type === 'Notification' ? NOTIFICATION_KEYS : SUBSCRIPTION_KEYS;
  const record = envelope as unknown as Record<string, string | undefined>;
  return keys.filter((k) => record[k] !== undefined).map((k) => `${k}\n${record[k]}\n`).join('');
}

export function signEnvelope(
  unsigned: Omit<SnsEnvelope, 'Signature' | 'SignatureVersion' | 'SigningCertURL' | 'MessageId' | 'Timestamp'> & { MessageId?: string; Timestamp?: string },
  signer: { privateKeyPem: string; certUrl: string; at: Date },
): SnsEnvelope {
  const envelope = { ...unsigned, MessageId: unsigned.MessageId ?? randomUUID(), Timestamp: unsigned.Timestamp ?? signer.at.toISOString() };
  const sign = createSign('RSA-SHA256');
  sign.update(stringToSign(envelope), 'utf8');
  return { ...envelope, SignatureVersion: '2', Signature: sign.sign(signer.privateKeyPem, 'base64'), SigningCertURL: signer.certUrl };
}

export interface DeliveryResult {
  status: number;
  body: string;
}

/** POSTs an envelope to an HTTP endpoint as SNS would; `body` overrides the JSON (for tampering tests). */
export function postEnvelope(url: string, envelope: SnsEnvelope | Record<string, unknown>, body?: string): Promise<DeliveryResult> {
  const payload = body ?? JSON.stringify(envelope);
  const target = new URL(url);
  const e = envelope as Partial<SnsEnvelope>;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'text/plain; charset=UTF-8',
          'content-length': Buffer.byteLength(payload),
          'x-amz-sns-message-type': e.Type ?? 'Notification',
          'x-amz-sns-message-id': e.MessageId ?? '',
          'x-amz-sns-topic-arn': e.TopicArn ?? '',
          'user-agent': 'Amazon Simple Notification Service Agent',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** AWS End User Messaging SMS: an inbound message published to the two-way number's SNS topic. */
export interface InboundMessage {
  originationNumber: string;
  destinationNumber: string;
  messageKeyword: string;
  messageBody: string;
  inboundMessageId: string;
  previousPublishedMessageId?: string;
}

/** AWS End User Messaging SMS event destination record (an SNS topic). */
export interface SmsEventRecord {
  eventType: string;
  eventVersion: '1.0';
  eventTimestamp: number;
  isFinal: boolean;
  originationPhoneNumber?: string;
  destinationPhoneNumber: string;
  isoCountryCode: string;
  mcc?: string;
  mnc?: string;
  messageId: string;
  messageRequestTimestamp: number;
  messageEncoding: 'GSM' | 'UCS2';
  messageType: 'TRANSACTIONAL' | 'PROMOTIONAL';
  messageStatus: string;
  messageStatusDescription: string;
  totalMessageParts: number;
  /** USD, as a JSON number. */
  totalMessagePrice: number;
  totalCarrierFee: number;
}

const STATUS_OF_EVENT: Record<string, [string, string]> = {
  TEXT_DELIVERED: ['DELIVERED', 'Message has been accepted by phone'],
  TEXT_SUCCESSFUL: ['SUCCESSFUL', 'Message has been accepted by the carrier'],
  TEXT_QUEUED: ['QUEUED', 'Message is in the queue to be sent'],
  TEXT_PENDING: ['PENDING', 'Message is pending at the carrier'],
  TEXT_BLOCKED: ['BLOCKED', 'Message was blocked by the carrier'],
  TEXT_TTL_EXPIRED: ['TTL_EXPIRED', 'Message could not be delivered within its time to live'],
  TEXT_CARRIER_UNREACHABLE: ['CARRIER_UNREACHABLE', 'The carrier was unreachable'],
  TEXT_INVALID: ['INVALID', 'The destination phone number is invalid'],
  TEXT_CARRIER_BLOCKED: ['CARRIER_BLOCKED', 'The carrier blocked the message'],
  TEXT_UNREACHABLE: ['UNREACHABLE', 'The phone is unreachable'],
  TEXT_SPAM: ['SPAM', 'The carrier flagged the message as spam'],
  TEXT_UNKNOWN: ['UNKNOWN', 'The status of the message is unknown'],
};

export function smsEventRecord(input: {
  eventType: string;
  messageId: string;
  destinationPhoneNumber: string;
  isFinal?: boolean;
  isoCountryCode?: string;
  totalMessageParts?: number;
  totalMessagePrice?: number;
  at: Date;
  originationPhoneNumber?: string;
}): SmsEventRecord {
  const [messageStatus, messageStatusDescription] = STATUS_OF_EVENT[input.eventType] ?? ['UNKNOWN', 'Unknown'];
  const nonFinal = input.eventType === 'TEXT_QUEUED' || input.eventType === 'TEXT_PENDING';
  return {
    eventType: input.eventType,
    eventVersion: '1.0',
    eventTimestamp: input.at.getTime(),
    isFinal: input.isFinal ?? !nonFinal,
    ...(input.originationPhoneNumber ? { originationPhoneNumber: input.originationPhoneNumber } : {}),
    destinationPhoneNumber: input.destinationPhoneNumber,
    isoCountryCode: input.isoCountryCode ?? 'US',
    mcc: '310',
    mnc: '800',
    messageId: input.messageId,
    messageRequestTimestamp: input.at.getTime() - 1000,
    messageEncoding: 'GSM',
    messageType: 'PROMOTIONAL',
    messageStatus,
    messageStatusDescription,
    totalMessageParts: input.totalMessageParts ?? 1,
    totalMessagePrice: input.totalMessagePrice ?? 0.00581,
    totalCarrierFee: 0.00302,
  };
}
