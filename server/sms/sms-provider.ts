// The SMS provider interface of seed 001 §7.2: what the campaigns, contacts and compliance code
// may ask of a provider. SNS is the first implementation (server/sms/sns/); another provider
// implements the same methods. Nothing here knows about tRPC, HTTP routing or the database.

export type SmsType = 'Transactional' | 'Promotional';

/** What "Test connection" shows: the account's SMS settings as the provider reports them. */
export interface SmsAccountStatus {
  region: string;
  inSandbox: boolean;
  /** USD per month; the provider stops sending somewhere past it, so hard caps stay ours. */
  monthlySpendLimitUsd: number | null;
  defaultSmsType: SmsType | null;
  defaultSenderId: string | null;
}

export interface SenderIdentity {
  /** E.164 origination number, or an alphanumeric sender ID. */
  value: string;
  kind: 'origination_number' | 'sender_id';
  country: string | null;
  /** e.g. TOLL_FREE, TEN_DLC, SHORT_CODE, LONG_CODE. */
  numberType: string | null;
  /** The provider's registration state where it reports one (10DLC / toll-free verification). */
  status: string | null;
  /** Message parts per second this sender may send (PROVIDERS.md: US toll-free 3, short code 100). */
  partsPerSecond: number | null;
}

export interface SendSmsInput {
  /** E.164. */
  to: string;
  body: string;
  smsType: SmsType;
  senderId?: string | null;
  originationNumber?: string | null;
  /** Max price in USD per message the provider may charge (AWS.SNS.SMS.MaxPrice). */
  maxPriceUsd?: string | null;
}

export type SendSmsResult =
  | { ok: true; providerMessageId: string }
  /**
   * `retryable` failures (throttling, 5xx after the SDK's own retries) may be tried again; others
   * are final for that message. `outcomeUnknown`: no answer came (timeout, dropped connection), so
   * the provider may have sent it — never resend; mark the message for review.
   */
  | { ok: false; code: string; message: string; retryable: boolean; optedOut: boolean; outcomeUnknown?: boolean };

export interface InboundSms {
  providerMessageId: string;
  from: string;
  to: string;
  body: string;
  keyword: string | null;
  receivedAt: Date;
}

export type DeliveryEventStatus = 'delivered' | 'failed' | 'pending';

export interface DeliveryEvent {
  providerMessageId: string;
  /** e.g. TEXT_DELIVERED; `status` is its meaning for our message row. */
  eventType: string;
  status: DeliveryEventStatus;
  isFinal: boolean;
  to: string;
  country: string | null;
  parts: number | null;
  /** Total price in millionths of USD, when the event carries it. */
  priceMicros: bigint | null;
  occurredAt: Date;
}

export type ProviderNotification =
  | { kind: 'subscription_confirmation'; topicArn: string; confirm: () => Promise<void> }
  | { kind: 'inbound'; topicArn: string; message: InboundSms }
  | { kind: 'delivery'; topicArn: string; event: DeliveryEvent }
  | { kind: 'ignored'; topicArn: string; reason: string };

export interface SmsProvider {
  /** Tests the credentials with a real call and reads the account's SMS status. */
  connect(): Promise<SmsAccountStatus>;
  listSenderIdentities(): Promise<SenderIdentity[]>;
  send(input: SendSmsInput): Promise<SendSmsResult>;
  isOptedOut(phone: string): Promise<boolean>;
  /** Every opted-out number the provider holds (all pages). */
  listOptedOut(): Promise<string[]>;
  /** The provider allows this once per 30 days per number. */
  optIn(phone: string): Promise<void>;
  /**
   * Verifies a raw notification body (signature, certificate host) and parses it. Throws a
   * `SmsNotificationRejected` error for anything forged, unsigned or malformed.
   */
  parseNotification(rawBody: string): Promise<ProviderNotification>;
}

export class SmsNotificationRejected extends Error {
  override name = 'SmsNotificationRejected';
  /** 400 for a body that is not a provider notification at all; 403 for a bad or missing signature. */
  constructor(
    message: string,
    readonly status: 400 | 403 = 403,
  ) {
    super(message);
  }
}
