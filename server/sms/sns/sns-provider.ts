// SmsProvider on AWS SNS through @aws-sdk/client-sns (AWS Query protocol). Credentials come from
// the credential store (see sms-connection.ts); errors become SendSmsResult failures for send()
// and AppErrors with a message a person can act on for everything else, never echoing secrets.
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  CreateSMSSandboxPhoneNumberCommand,
  GetSMSAttributesCommand,
  GetSMSSandboxAccountStatusCommand,
  ListOriginationNumbersCommand,
  ListPhoneNumbersOptedOutCommand,
  OptInPhoneNumberCommand,
  PublishCommand,
  VerifySMSSandboxPhoneNumberCommand,
  type MessageAttributeValue,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { AppError } from '../../errors';
import type { ProviderNotification, SenderIdentity, SendSmsInput, SendSmsResult, SmsAccountStatus, SmsProvider, SmsType } from '../sms-provider';
import { createSnsClients, type SnsClientOptions } from './sns-client';
import { defaultCertificateHosts, parseSnsNotification } from './sns-notifications';

export interface SnsProviderOptions extends SnsClientOptions {
  /** Hosts a notification's SigningCertURL may use; sns.<region>.amazonaws.com by default. */
  certificateHosts?: string[];
}

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

const CREDENTIAL_ERRORS = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'IncompleteSignature', 'MissingAuthenticationToken', 'ExpiredToken']);

/** The SDK names modelled errors `<Code>Exception` (ThrottledException) and others by their code. */
function codeOf(error: SdkError) {
  const raw = error.Code ?? error.name ?? 'Unknown';
  return raw.endsWith('Exception') && raw !== 'ValidationException' ? raw.slice(0, -'Exception'.length) : raw;
}

export function classifySnsError(error: unknown, keyHint: string) {
  const e = (error ?? {}) as SdkError;
  const code = codeOf(e);
  const status = e.$metadata?.httpStatusCode;
  const answered = status !== undefined;
  if (CREDENTIAL_ERRORS.has(code)) {
    return {
      code: 'credentials_rejected',
      message: `AWS refused the access key ${keyHint}: ${code === 'SignatureDoesNotMatch' ? 'the secret access key does not match it' : 'the access key id is unknown or was deleted'}. Save a current key pair in Settings → Channels → SMS.`,
      retryable: false,
      outcomeUnknown: false,
    };
  }
  if (code === 'AuthorizationError') {
    return { code: 'not_authorized', message: `The access key ${keyHint} is not allowed to do this in SNS (${e.message ?? 'AuthorizationError'}). Give its IAM user the SNS SMS permissions.`, retryable: false, outcomeUnknown: false };
  }
  if (code === 'OptedOut') return { code: 'opted_out', message: 'The number has opted out of SMS from this account.', retryable: false, outcomeUnknown: false };
  if (code === 'Throttled' || status === 429) return { code: 'throttled', message: 'SNS is throttling requests (rate exceeded); try again shortly.', retryable: true, outcomeUnknown: false };
  if (code === 'InvalidParameter' || code === 'ParameterValueInvalid' || code === 'ValidationException' || code === 'InvalidParameterValue') {
    return { code: 'invalid_parameter', message: `SNS refused the request: ${e.message ?? code}`, retryable: false, outcomeUnknown: false };
  }
  if (answered && status >= 500) return { code: 'provider_error', message: `SNS failed (${code}, HTTP ${status}); try again.`, retryable: true, outcomeUnknown: false };
  if (!answered) {
    // A timeout or a dropped connection: the request may have been carried out.
    return { code: 'no_response', message: `SNS did not answer (${e.name ?? 'network error'}).`, retryable: false, outcomeUnknown: true };
  }
  return { code: code.replace(/[^A-Za-z0-9_]/g, '').slice(0, 60) || 'unknown', message: `SNS refused the request: ${e.message ?? code}`, retryable: false, outcomeUnknown: false };
}

/** Throughput an origination number may use, in parts per second: SNS does not report it, so from its kind (PROVIDERS.md). */
export function senderKind(phoneNumber: string, country: string | null): { numberType: string; partsPerSecond: number } {
  if (/^\d{5,6}$/.test(phoneNumber.replace(/^\+/, '')) && !phoneNumber.startsWith('+')) return { numberType: 'SHORT_CODE', partsPerSecond: 100 };
  if (/^\+1(800|833|844|855|866|877|888)\d{7}$/.test(phoneNumber)) return { numberType: 'TOLL_FREE', partsPerSecond: 3 };
  if ((country === 'US' || country === null) && /^\+1\d{10}$/.test(phoneNumber)) return { numberType: 'TEN_DLC', partsPerSecond: 1 };
  return { numberType: 'LONG_CODE', partsPerSecond: 1 };
}

export class SnsProvider implements SmsProvider {
  private readonly reads: SNSClient;
  private readonly publisher: SNSClient;
  private readonly keyHint: string;

  constructor(private readonly options: SnsProviderOptions) {
    const clients = createSnsClients(options);
    this.reads = clients.reads;
    this.publisher = clients.publish;
    this.keyHint = `ending ${options.accessKeyId.slice(-4)}`;
  }

  get region() {
    return this.options.region;
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const c = classifySnsError(error, this.keyHint);
      const status = c.code === 'credentials_rejected' || c.code === 'not_authorized' ? 'PRECONDITION_FAILED' : c.code === 'throttled' ? 'TOO_MANY_REQUESTS' : c.code === 'invalid_parameter' ? 'BAD_REQUEST' : 'PRECONDITION_FAILED';
      throw new AppError(status, `Could not ${what}: ${c.message}`);
    }
  }

  async connect(): Promise<SmsAccountStatus> {
    return this.call('reach SNS', async () => {
      const [attributes, sandbox] = await Promise.all([
        this.reads.send(new GetSMSAttributesCommand({ attributes: ['MonthlySpendLimit', 'DefaultSMSType', 'DefaultSenderID'] })),
        this.reads.send(new GetSMSSandboxAccountStatusCommand({})),
      ]);
      const a = attributes.attributes ?? {};
      const limit = a.MonthlySpendLimit !== undefined && /^\d+$/.test(a.MonthlySpendLimit) ? Number(a.MonthlySpendLimit) : null;
      const type = a.DefaultSMSType === 'Transactional' || a.DefaultSMSType === 'Promotional' ? (a.DefaultSMSType as SmsType) : null;
      return { region: this.options.region, inSandbox: sandbox.IsInSandbox ?? false, monthlySpendLimitUsd: limit, defaultSmsType: type, defaultSenderId: a.DefaultSenderID || null };
    });
  }

  async listSenderIdentities(): Promise<SenderIdentity[]> {
    return this.call('list the sending numbers', async () => {
      const identities: SenderIdentity[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < 100; page++) {
        const answer = await this.reads.send(new ListOriginationNumbersCommand({ MaxResults: 30, NextToken: nextToken }));
        for (const n of answer.PhoneNumbers ?? []) {
          if (!n.PhoneNumber || !(n.NumberCapabilities ?? ['SMS']).includes('SMS')) continue;
          const kind = senderKind(n.PhoneNumber, n.Iso2CountryCode ?? null);
          identities.push({ value: n.PhoneNumber, kind: 'origination_number', country: n.Iso2CountryCode ?? null, numberType: kind.numberType, status: n.Status ?? null, partsPerSecond: kind.partsPerSecond });
        }
        nextToken = answer.NextToken;
        if (!nextToken) break;
      }
      const attributes = await this.reads.send(new GetSMSAttributesCommand({ attributes: ['DefaultSenderID'] }));
      const senderId = attributes.attributes?.DefaultSenderID;
      if (senderId) identities.push({ value: senderId, kind: 'sender_id', country: null, numberType: 'SENDER_ID', status: null, partsPerSecond: null });
      return identities;
    });
  }

  async send(input: SendSmsInput): Promise<SendSmsResult> {
    const attributes: Record<string, MessageAttributeValue> = { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: input.smsType } };
    if (input.senderId) attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: input.senderId };
    if (input.originationNumber) attributes['AWS.MM.SMS.OriginationNumber'] = { DataType: 'String', StringValue: input.originationNumber };
    if (input.maxPriceUsd) attributes['AWS.SNS.SMS.MaxPrice'] = { DataType: 'Number', StringValue: input.maxPriceUsd };
    try {
      const answer = await this.publisher.send(new PublishCommand({ PhoneNumber: input.to, Message: input.body, MessageAttributes: attributes }));
      if (!answer.MessageId) return { ok: false, code: 'no_message_id', message: 'SNS accepted the message without a message id.', retryable: false, optedOut: false, outcomeUnknown: true };
      return { ok: true, providerMessageId: answer.MessageId };
    } catch (error) {
      const c = classifySnsError(error, this.keyHint);
      return { ok: false, code: c.code, message: c.message, retryable: c.retryable, optedOut: c.code === 'opted_out', outcomeUnknown: c.outcomeUnknown };
    }
  }

  async isOptedOut(phone: string): Promise<boolean> {
    return this.call('check the opt-out list', async () => (await this.reads.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: phone }))).isOptedOut ?? false);
  }

  async listOptedOut(): Promise<string[]> {
    return this.call('read the opt-out list', async () => {
      const numbers: string[] = [];
      let nextToken: string | undefined;
      do {
        const answer = await this.reads.send(new ListPhoneNumbersOptedOutCommand({ nextToken }));
        numbers.push(...(answer.phoneNumbers ?? []));
        nextToken = answer.nextToken || undefined;
      } while (nextToken);
      return numbers;
    });
  }

  async optIn(phone: string): Promise<void> {
    await this.call('opt the number back in', async () => {
      await this.reads.send(new OptInPhoneNumberCommand({ phoneNumber: phone }));
    });
  }

  /** SMS sandbox: add a destination number (AWS texts it a one-time password). */
  async addSandboxNumber(phone: string): Promise<void> {
    await this.call('add the sandbox number', async () => {
      await this.reads.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: phone, LanguageCode: 'en-US' }));
    });
  }

  async verifySandboxNumber(phone: string, oneTimePassword: string): Promise<void> {
    await this.call('verify the sandbox number', async () => {
      await this.reads.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: phone, OneTimePassword: oneTimePassword }));
    });
  }

  parseNotification(rawBody: string): Promise<ProviderNotification> {
    return parseSnsNotification(rawBody, { certificateHosts: this.options.certificateHosts ?? defaultCertificateHosts(this.options.region) });
  }

  destroy() {
    this.reads.destroy();
    this.publisher.destroy();
  }
}
