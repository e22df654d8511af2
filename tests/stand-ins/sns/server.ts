// A stateful AWS SNS (SMS) stand-in for tests: node:http on 127.0.0.1 speaking the AWS Query
// protocol as @aws-sdk/client-sns sends it (form-encoded POST /, SigV4-signed, flattened maps) and
// answering with SNS's XML responses and errors (PROVIDERS.md). Holds the account's SMS
// attributes, sandbox, origination numbers, opt-out list, opt-in dates and published messages;
// injects errors (InvalidParameter, Throttled 429, InternalError 500, OptedOut, AuthorizationError,
// hung requests); and delivers SIGNED SNS notifications (SignatureVersion 2) for inbound messages
// and delivery events, with its certificate served over HTTPS by a second listener (the host tests
// pass to the webhook as an allowed certificate host). Never imported by server/.
//
// The signing certificate doubles as that listener's TLS certificate: call trustStandInCertificate()
// in the test process (or start a separate process with NODE_EXTRA_CA_CERTS=<certificatePath>) so
// sns-validator's https.get of SigningCertURL and the SubscribeURL confirmation accept it.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, globalAgent, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { checkSigV4 } from './sigv4';
import {
  postEnvelope,
  signEnvelope,
  smsEventRecord,
  type DeliveryResult,
  type InboundMessage,
  type SnsEnvelope,
} from './notifications';
import { OPT_IN_INTERVAL_MS, SnsStore, type OriginationNumber } from './store';
import { errorXml, mapXml, responseXml, toXml } from './xml';

export const certificatePath = fileURLToPath(new URL('./certificate/stand-in-cert.pem', import.meta.url));
const certificatePem = readFileSync(certificatePath, 'utf8');
const privateKeyPem = readFileSync(fileURLToPath(new URL('./certificate/stand-in-key.pem', import.meta.url)), 'utf8');

/** Makes this process's https.get (sns-validator, SubscribeURL confirmation) trust the stand-in's certificate. */
export function trustStandInCertificate() {
  const ca = globalAgent.options.ca;
  const current = Array.isArray(ca) ? ca : ca ? [ca] : [...rootCertificates];
  if (!current.includes(certificatePem)) globalAgent.options.ca = [...current, certificatePem] as string[];
}

export type InjectedFailure = 'InvalidParameter' | 'ParameterValueInvalid' | 'Throttled' | 'InternalError' | 'OptedOut' | 'AuthorizationError' | 'hang';

export interface FailureOptions {
  /** Only this action (e.g. "Publish") is failed; others pass. */
  action?: string;
  /** InternalError only: carry the request out, then answer 500 (the result is lost, as when a connection drops). */
  afterExecution?: boolean;
}

export interface LoggedRequest {
  action: string;
  params: Record<string, string>;
  status: number;
  errorCode?: string;
  injected: boolean;
}

export interface SnsStandInOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  accountId?: string;
  inSandbox?: boolean;
  originationNumbers?: Array<Partial<OriginationNumber> & { phoneNumber: string }>;
  now?: () => Date;
  /** AWS opts a number out itself when it replies STOP (its default); false models self-managed opt-outs. */
  awsManagedOptOuts?: boolean;
}

export interface Subscription {
  arn: string;
  topicArn: string;
  endpoint: string;
  token: string;
  confirmed: boolean;
}

export interface SnsStandIn {
  /** The SDK's `endpoint`, e.g. http://127.0.0.1:41234 */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** host:port of the HTTPS listener serving the signing certificate: the webhook's allowed certificate host in tests. */
  certHost: string;
  certUrl: string;
  certificatePem: string;
  store: SnsStore;
  requests: LoggedRequest[];
  /** Requests that reached an action and answered 200 for this action (e.g. every Publish that sent). */
  succeeded(action: string): LoggedRequest[];
  /** Answer the next `count` matching requests with this failure (before doing anything, unless afterExecution). */
  failNext(count: number, failure: InjectedFailure, options?: FailureOptions): void;
  topicArn(name?: string): string;
  subscriptions: Subscription[];
  /** Posts a signed SubscriptionConfirmation to `endpoint` (SubscribeURL points at the stand-in's HTTPS listener). */
  subscribe(endpoint: string, topicArn?: string): Promise<{ subscription: Subscription; delivery: DeliveryResult }>;
  /** A signed Notification envelope for any message body (tests tamper with it). */
  envelope(topicArn: string, message: string, extra?: Partial<SnsEnvelope>): SnsEnvelope;
  post(url: string, envelope: SnsEnvelope | Record<string, unknown>, rawBody?: string): Promise<DeliveryResult>;
  /** A reply from a phone to one of the account's numbers, published to `topicArn` (End User Messaging inbound shape). */
  inbound(input: { url: string; topicArn?: string; from: string; to: string; body: string; inboundMessageId?: string }): Promise<DeliveryResult & { envelope: SnsEnvelope; message: InboundMessage }>;
  /** A delivery event for a published message (End User Messaging event shape). */
  deliveryEvent(input: {
    url: string;
    topicArn?: string;
    messageId: string;
    eventType: string;
    isFinal?: boolean;
    totalMessageParts?: number;
    totalMessagePrice?: number;
    destinationPhoneNumber?: string;
    isoCountryCode?: string;
    at?: Date;
  }): Promise<DeliveryResult & { envelope: SnsEnvelope }>;
  close(): Promise<void>;
}

/** The opt-out keywords AWS acts on by itself (PROVIDERS.md). */
const AWS_OPT_OUT_KEYWORDS = new Set(['ARRET', 'CANCEL', 'END', 'OPT-OUT', 'OPTOUT', 'QUIT', 'REMOVE', 'STOP', 'TD', 'UNSUBSCRIBE']);

class SnsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}
const invalid = (message: string) => new SnsError(400, 'InvalidParameter', `Invalid parameter: ${message}`);

const E164 = /^\+[1-9]\d{6,14}$/;
const PAGE_SIZE = 100;

export async function startSnsStandIn(options: SnsStandInOptions = {}): Promise<SnsStandIn> {
  const accessKeyId = options.accessKeyId ?? `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = options.secretAccessKey ?? randomBytes(30).toString('base64');
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const store = new SnsStore(options.now);
  store.inSandbox = options.inSandbox ?? false;
  for (const n of options.originationNumbers ?? []) store.addOriginationNumber(n);
  const awsManagedOptOuts = options.awsManagedOptOuts ?? true;
  const requests: LoggedRequest[] = [];
  const failures: Array<FailureOptions & { failure: InjectedFailure }> = [];
  const hung = new Set<ServerResponse>();
  const subscriptions: Subscription[] = [];

  const takeFailure = (action: string) => {
    const at = failures.findIndex((f) => !f.action || f.action === action);
    return at < 0 ? undefined : failures.splice(at, 1)[0];
  };

  // ---- the Query API ----
  const actions: Record<string, (p: Record<string, string>) => string | null> = {
    Publish(p) {
      if (p.TopicArn || p.TargetArn) throw invalid('TopicArn or TargetArn Reason: this stand-in publishes SMS to PhoneNumber only');
      const phone = p.PhoneNumber;
      if (!phone) throw invalid('PhoneNumber Reason: no value for required parameter');
      if (!E164.test(phone)) throw invalid(`PhoneNumber Reason: ${phone} is not valid to publish to`);
      const message = p.Message ?? '';
      if (message.length === 0) throw invalid('Empty message');
      if (message.length > 1600) throw invalid('Message too long');
      const attributes = flattenedMessageAttributes(p);
      const smsType = attributes['AWS.SNS.SMS.SMSType']?.value;
      if (smsType !== undefined && smsType !== 'Transactional' && smsType !== 'Promotional') {
        throw new SnsError(400, 'ParameterValueInvalid', `The value for AWS.SNS.SMS.SMSType must be Transactional or Promotional.`);
      }
      const senderId = attributes['AWS.SNS.SMS.SenderID']?.value;
      if (senderId !== undefined && !/^(?=.*[A-Za-z])[A-Za-z0-9-]{1,11}$/.test(senderId)) {
        throw new SnsError(400, 'ParameterValueInvalid', 'The sender ID must be 1–11 alphanumeric characters (hyphens allowed) with at least one letter.');
      }
      const origination = attributes['AWS.MM.SMS.OriginationNumber']?.value;
      if (origination !== undefined) {
        const number = store.originationNumbers.find((n) => n.phoneNumber === origination);
        if (!number || number.status !== 'ACTIVE') throw invalid(`AWS.MM.SMS.OriginationNumber Reason: ${origination} is not an active origination number of this account`);
      }
      const maxPrice = attributes['AWS.SNS.SMS.MaxPrice']?.value;
      if (maxPrice !== undefined && !/^\d+(\.\d+)?$/.test(maxPrice)) throw new SnsError(400, 'ParameterValueInvalid', 'The value for AWS.SNS.SMS.MaxPrice must be a number.');
      if (store.optedOut.has(phone)) throw new SnsError(400, 'OptedOut', 'Phone number is opted out');
      if (store.inSandbox && store.sandboxNumbers.get(phone)?.status !== 'Verified') {
        throw invalid(`PhoneNumber Reason: ${phone} is not a verified destination phone number of this account's SMS sandbox`);
      }
      if (!store.takeThroughput(origination, Math.max(1, Math.ceil(message.length / 153)))) throw new SnsError(429, 'Throttled', 'Rate exceeded');
      const published = store.publish(phone, message, attributes);
      return toXml({ MessageId: published.messageId });
    },
    GetSMSAttributes(p) {
      const wanted = listMembers(p, 'attributes');
      const entries = [...store.attributes.entries()].filter(([k]) => wanted.length === 0 || wanted.includes(k));
      return `<attributes>${mapXml(entries)}</attributes>`;
    },
    SetSMSAttributes(p) {
      const entries = mapEntries(p, 'attributes');
      for (const [key, value] of entries) {
        if (key === 'MonthlySpendLimit' && !/^\d+$/.test(value)) throw invalid('MonthlySpendLimit Reason: must be a whole number of USD');
        if (key === 'DefaultSMSType' && value !== 'Transactional' && value !== 'Promotional') throw invalid('DefaultSMSType Reason: must be Transactional or Promotional');
      }
      for (const [key, value] of entries) store.attributes.set(key, value);
      return '';
    },
    CheckIfPhoneNumberIsOptedOut(p) {
      const phone = p.phoneNumber;
      if (!phone || !E164.test(phone)) throw invalid(`phoneNumber Reason: ${phone ?? '(missing)'} is not a valid phone number`);
      return toXml({ isOptedOut: store.optedOut.has(phone) });
    },
    ListPhoneNumbersOptedOut(p) {
      const all = [...store.optedOut];
      const start = p.nextToken ? decodeToken(p.nextToken) : 0;
      if (start === null || start > all.length) throw invalid('nextToken Reason: the token is not valid');
      const page = all.slice(start, start + PAGE_SIZE);
      const next = start + PAGE_SIZE < all.length ? encodeToken(start + PAGE_SIZE) : undefined;
      return toXml({ phoneNumbers: page, nextToken: next });
    },
    OptInPhoneNumber(p) {
      const phone = p.phoneNumber;
      if (!phone || !E164.test(phone)) throw invalid(`phoneNumber Reason: ${phone ?? '(missing)'} is not a valid phone number`);
      const last = store.optIns.get(phone);
      if (last && store.now().getTime() - last.getTime() < OPT_IN_INTERVAL_MS) {
        throw invalid('phoneNumber Reason: a phone number can be opted in only once every 30 days');
      }
      store.optedOut.delete(phone);
      store.optIns.set(phone, store.now());
      return '';
    },
    ListOriginationNumbers(p) {
      const max = p.MaxResults ? Number(p.MaxResults) : 30;
      if (!Number.isInteger(max) || max < 1 || max > 30) throw new SnsError(400, 'ValidationException', 'MaxResults must be between 1 and 30.');
      const start = p.NextToken ? decodeToken(p.NextToken) : 0;
      if (start === null) throw invalid('NextToken Reason: the token is not valid');
      const page = store.originationNumbers.slice(start, start + max);
      return toXml({
        PhoneNumbers: page.map((n) => ({
          CreatedAt: n.createdAt,
          PhoneNumber: n.phoneNumber,
          Status: n.status,
          Iso2CountryCode: n.iso2CountryCode,
          RouteType: n.routeType,
          NumberCapabilities: n.capabilities,
        })),
        NextToken: start + max < store.originationNumbers.length ? encodeToken(start + max) : undefined,
      });
    },
    GetSMSSandboxAccountStatus() {
      return toXml({ IsInSandbox: store.inSandbox });
    },
    CreateSMSSandboxPhoneNumber(p) {
      const phone = p.PhoneNumber;
      if (!phone || !E164.test(phone)) throw invalid(`PhoneNumber Reason: ${phone ?? '(missing)'} is not a valid phone number`);
      store.sandboxNumbers.set(phone, { phoneNumber: phone, status: 'Pending', otp: String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000)) });
      return '';
    },
    VerifySMSSandboxPhoneNumber(p) {
      const entry = store.sandboxNumbers.get(p.PhoneNumber ?? '');
      if (!entry) throw new SnsError(404, 'ResourceNotFound', 'The phone number is not in the SMS sandbox of this account.');
      if (entry.otp !== p.OneTimePassword) throw new SnsError(400, 'VerificationException', 'The one-time password is not valid.');
      entry.status = 'Verified';
      return '';
    },
    ListSMSSandboxPhoneNumbers() {
      return toXml({ PhoneNumbers: [...store.sandboxNumbers.values()].map((n) => ({ PhoneNumber: n.phoneNumber, Status: n.status })) });
    },
  };

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((body) => handle(req, res, body))
      .catch((error) => sendXml(res, 500, errorXml('Receiver', 'InternalFailure', `stand-in failure: ${(error as Error).message}`, randomUUID())));
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const requestId = randomUUID();
    const params = Object.fromEntries(new URLSearchParams(body));
    const action = params.Action ?? '';
    const log: LoggedRequest = { action, params, status: 0, injected: false };
    requests.push(log);
    const fail = (error: SnsError) => {
      log.status = error.status;
      log.errorCode = error.code;
      sendXml(res, error.status, errorXml(error.type, error.code, error.message, requestId));
    };
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://stand-in').pathname !== '/') return fail(new SnsError(404, 'InvalidAction', 'Only POST / is served.'));
    const auth = checkSigV4(req, body, { accessKeyId, secretAccessKey });
    if (!auth.ok) return fail(new SnsError(auth.code === 'MissingAuthenticationToken' || auth.code === 'IncompleteSignature' ? 400 : 403, auth.code, auth.message));
    if (params.Version !== '2010-03-31') return fail(new SnsError(400, 'InvalidParameterValue', `Version ${params.Version ?? '(missing)'} is not supported.`));
    const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (!handler) return fail(new SnsError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`));

    const injected = takeFailure(action);
    if (injected) {
      log.injected = true;
      if (injected.failure === 'hang') {
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      if (injected.failure === 'InternalError' && injected.afterExecution) {
        try {
          handler(params);
        } catch {
          // the failure answered below hides the outcome either way
        }
        return fail(new SnsError(500, 'InternalError', 'Internal service error (the stand-in carried the request out).'));
      }
      return fail(injectedError(injected.failure));
    }
    try {
      const result = handler(params);
      log.status = 200;
      sendXml(res, 200, responseXml(action, requestId, result === null ? null : result));
    } catch (error) {
      if (error instanceof SnsError) return fail(error);
      throw error;
    }
  }

  // ---- HTTPS: the signing certificate and SubscribeURL ----
  const tls: HttpsServer = createHttpsServer({ key: privateKeyPem, cert: certificatePem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://stand-in');
    if (req.method === 'GET' && url.pathname === CERT_PATH) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      return res.end(certificatePem);
    }
    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.get('Action') === 'ConfirmSubscription') {
      const sub = subscriptions.find((s) => s.topicArn === url.searchParams.get('TopicArn') && s.token === url.searchParams.get('Token'));
      if (!sub) return sendXml(res, 404, errorXml('Sender', 'NotFound', 'Subscription not found', randomUUID()));
      sub.confirmed = true;
      return sendXml(res, 200, responseXml('ConfirmSubscription', randomUUID(), toXml({ SubscriptionArn: sub.arn })));
    }
    res.writeHead(404).end();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const tlsPort = (tls.address() as AddressInfo).port;
  const certHost = `127.0.0.1:${tlsPort}`;
  const certUrl = `https://${certHost}${CERT_PATH}`;
  const topicArn = (name = 'meterdesk-sms') => `arn:aws:sns:${region}:${accountId}:${name}`;
  const signer = () => ({ privateKeyPem, certUrl, at: store.now() });
  const envelope = (topic: string, message: string, extra: Partial<SnsEnvelope> = {}) =>
    signEnvelope(
      {
        Type: 'Notification',
        TopicArn: topic,
        Message: message,
        UnsubscribeURL: `https://${certHost}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(`${topic}:${randomUUID()}`)}`,
        ...extra,
      },
      signer(),
    );

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accessKeyId,
    secretAccessKey,
    certHost,
    certUrl,
    certificatePem,
    store,
    requests,
    succeeded: (action) => requests.filter((r) => r.action === action && r.status === 200),
    failNext(count, failure, opts = {}) {
      for (let i = 0; i < count; i++) failures.push({ ...opts, failure });
    },
    topicArn,
    subscriptions,
    async subscribe(endpoint, topic = topicArn()) {
      const token = randomBytes(32).toString('hex');
      const subscription: Subscription = { arn: `${topic}:${randomUUID()}`, topicArn: topic, endpoint, token, confirmed: false };
      subscriptions.push(subscription);
      const subscribeUrl = `https://${certHost}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topic)}&Token=${token}`;
      const env = signEnvelope(
        {
          Type: 'SubscriptionConfirmation',
          Token: token,
          TopicArn: topic,
          Message: `You have chosen to subscribe to the topic ${topic}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
          SubscribeURL: subscribeUrl,
        },
        signer(),
      );
      return { subscription, delivery: await postEnvelope(endpoint, env) };
    },
    envelope,
    post: (url, env, rawBody) => postEnvelope(url, env, rawBody),
    async inbound(input) {
      const keyword = input.body.trim().toUpperCase();
      const message: InboundMessage = {
        originationNumber: input.from,
        destinationNumber: input.to,
        messageKeyword: AWS_OPT_OUT_KEYWORDS.has(keyword) || keyword === 'HELP' ? keyword : 'KEYWORD_DEFAULT',
        messageBody: input.body,
        inboundMessageId: input.inboundMessageId ?? randomUUID(),
        previousPublishedMessageId: store.published.filter((m) => m.phoneNumber === input.from).at(-1)?.messageId ?? randomUUID(),
      };
      if (awsManagedOptOuts && AWS_OPT_OUT_KEYWORDS.has(keyword)) store.optedOut.add(input.from);
      const env = envelope(input.topicArn ?? topicArn(), JSON.stringify(message));
      return { ...(await postEnvelope(input.url, env)), envelope: env, message };
    },
    async deliveryEvent(input) {
      const published = store.published.find((m) => m.messageId === input.messageId);
      const record = smsEventRecord({
        eventType: input.eventType,
        messageId: input.messageId,
        destinationPhoneNumber: input.destinationPhoneNumber ?? published?.phoneNumber ?? '+14155550100',
        isFinal: input.isFinal,
        isoCountryCode: input.isoCountryCode,
        totalMessageParts: input.totalMessageParts,
        totalMessagePrice: input.totalMessagePrice,
        at: input.at ?? store.now(),
        originationPhoneNumber: published?.attributes['AWS.MM.SMS.OriginationNumber']?.value,
      });
      const env = envelope(input.topicArn ?? topicArn(), JSON.stringify(record));
      return { ...(await postEnvelope(input.url, env)), envelope: env };
    },
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      tls.closeAllConnections();
      await Promise.all([new Promise<void>((r) => server.close(() => r())), new Promise<void>((r) => tls.close(() => r()))]);
    },
  };
}

const CERT_PATH = '/SimpleNotificationService-standin.pem';

function injectedError(failure: Exclude<InjectedFailure, 'hang'>): SnsError {
  switch (failure) {
    case 'InvalidParameter':
      return invalid('injected by the stand-in');
    case 'ParameterValueInvalid':
      return new SnsError(400, 'ParameterValueInvalid', 'Invalid parameter value (injected by the stand-in).');
    case 'Throttled':
      return new SnsError(429, 'Throttled', 'Rate exceeded');
    case 'InternalError':
      return new SnsError(500, 'InternalError', 'Internal service error.');
    case 'OptedOut':
      return new SnsError(400, 'OptedOut', 'Phone number is opted out');
    case 'AuthorizationError':
      return new SnsError(403, 'AuthorizationError', 'User: arn:aws:iam::123456789012:user/meterdesk is not authorized to perform: SNS:Publish');
  }
}

/** MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue → { name: { dataType, value } }. */
function flattenedMessageAttributes(p: Record<string, string>) {
  const out: Record<string, { dataType: string; value: string }> = {};
  for (let i = 1; p[`MessageAttributes.entry.${i}.Name`] !== undefined; i++) {
    const name = p[`MessageAttributes.entry.${i}.Name`]!;
    const dataType = p[`MessageAttributes.entry.${i}.Value.DataType`];
    const value = p[`MessageAttributes.entry.${i}.Value.StringValue`];
    if (dataType !== 'String' && dataType !== 'Number') throw invalid(`MessageAttributes Reason: ${name} has an unsupported DataType ${dataType ?? '(missing)'}`);
    if (value === undefined) throw invalid(`MessageAttributes Reason: ${name} has no StringValue`);
    out[name] = { dataType, value };
  }
  return out;
}

function listMembers(p: Record<string, string>, name: string) {
  const out: string[] = [];
  for (let i = 1; p[`${name}.member.${i}`] !== undefined; i++) out.push(p[`${name}.member.${i}`]!);
  return out;
}

function mapEntries(p: Record<string, string>, name: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 1; p[`${name}.entry.${i}.key`] !== undefined; i++) out.push([p[`${name}.entry.${i}.key`]!, p[`${name}.entry.${i}.value`] ?? '']);
  return out;
}

function encodeToken(offset: number) {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}
function decodeToken(token: string): number | null {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

function sendXml(res: ServerResponse, status: number, xml: string) {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(xml);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
