// A stateful Stripe stand-in for tests: node:http on 127.0.0.1, speaking Stripe's REST as the
// real `stripe` client sends it (form-encoded nested parameters, Bearer secret key,
// Stripe-Version, Idempotency-Key) and answering with the API's JSON objects and errors.
// Requests are checked against the pinned SDK's parameter declarations (validate.ts), so the
// app's requests that pass here have the names and shapes Stripe's spec gives them.
// Never imported by server/.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import Stripe from 'stripe';
import { StripeApiError, invalid } from './errors';
import { expand } from './expand';
import { completeCheckoutSession } from './resources/checkout';
import { matchRoute } from './router';
import { randomId, StripeStore, type DunningSettings } from './store';
import { validateParams, type Params } from './validate';
import { WebhookDelivery } from './webhooks';

export interface LoggedRequest {
  method: string;
  path: string;
  params: Params;
  status: number;
  idempotencyKey?: string;
  stripeVersion?: string;
  replayed: boolean;
  injected: boolean;
}

export interface FailureOptions {
  shouldRetry?: boolean;
  afterExecution?: boolean;
  /** Only requests with this method (and path, when given) are failed; others pass. */
  match?: { method?: string; path?: string };
}

export interface StripeStandInOptions {
  secretKey?: string;
  /** The account's default API version (events carry it); defaults to the SDK's pinned one. */
  apiVersion?: string;
  webhook?: { url: string; secret: string };
  /** Revenue-recovery settings (retry schedule, status after all retries fail); see store.ts. */
  dunning?: Partial<DunningSettings>;
}

export interface StripeStandIn {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  host: string;
  port: number;
  secretKey: string;
  store: StripeStore;
  requests: LoggedRequest[];
  /** Requests that change state (POST, DELETE) and reached a handler (replays included). */
  writes(): LoggedRequest[];
  /**
   * Answer the next `count` requests with this status. By default before doing anything (no state
   * change); with `afterExecution` the request is carried out (and its idempotent result kept)
   * but the answer is lost, as when a connection drops after Stripe did the work.
   */
  failNext(count: number, status?: 500 | 503 | 429 | 409, options?: FailureOptions): void;
  webhooks: WebhookDelivery;
  /** Completes an open Checkout Session as a paying customer would (test card 4242). */
  completeCheckoutSession(id: string): void;
  close(): Promise<void>;
}

const QS_OPTIONS = { depth: 20, arrayLimit: 1000, parameterLimit: 10_000 } as const;

export async function startStripeStandIn(options: StripeStandInOptions = {}): Promise<StripeStandIn> {
  const secretKey = options.secretKey ?? `sk_test_standin_${randomId('key', 16).slice(4)}`;
  const store = new StripeStore(options.apiVersion ?? Stripe.API_VERSION);
  Object.assign(store.dunning, options.dunning ?? {});
  const webhooks = new WebhookDelivery(store, options.webhook);
  const requests: LoggedRequest[] = [];
  const failures: Array<FailureOptions & { status: number }> = [];
  const takeFailure = (method: string, path: string) => {
    const at = failures.findIndex((f) => (!f.match?.method || f.match.method === method) && (!f.match?.path || f.match.path === path));
    return at < 0 ? undefined : failures.splice(at, 1)[0];
  };

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((body) => handle(req, res, body))
      .catch((error) => send(res, 500, { error: { type: 'api_error', message: `stand-in failure: ${(error as Error).message}` } }));
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const idempotencyKey = header(req, 'idempotency-key');
    const stripeVersion = header(req, 'stripe-version');
    const log: LoggedRequest = { method, path: url.pathname, params: {}, status: 0, idempotencyKey, stripeVersion, replayed: false, injected: false };
    requests.push(log);
    const requestId = randomId('req', 14);
    const baseHeaders: Record<string, string> = { 'request-id': requestId, 'stripe-version': stripeVersion ?? store.apiVersion };
    const reply = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      log.status = status;
      send(res, status, payload, { ...baseHeaders, ...extra });
    };

    try {
      const auth = header(req, 'authorization');
      if (!auth) throw new StripeApiError(401, 'invalid_request_error', 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').');
      const key = auth.replace(/^Bearer\s+/i, '');
      if (key !== secretKey) throw new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${redact(key)}`, 'api_key_invalid');
      if (stripeVersion && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(stripeVersion)) {
        throw invalid(`Invalid Stripe API version: ${stripeVersion}`, undefined, 'invalid_api_version');
      }

      const failure = takeFailure(method, url.pathname);
      const failAfter = failure?.afterExecution ? failure : undefined;
      if (failure && !failure.afterExecution) {
        log.injected = true;
        const err = failure.status === 429
          ? new StripeApiError(429, 'invalid_request_error', 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.', 'lock_timeout')
          : failure.status === 409
            ? new StripeApiError(409, 'invalid_request_error', 'There was a conflict with another request.', 'concurrent_request')
            : new StripeApiError(failure.status, 'api_error', 'An unknown error occurred (injected by the stand-in).');
        return reply(err.status, err, failure.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(failure.shouldRetry) });
      }

      const match = matchRoute(method, url.pathname);
      if (!match) {
        throw new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`);
      }

      const raw = (method === 'POST' ? qs.parse(body, QS_OPTIONS) : qs.parse(url.search.slice(1), QS_OPTIONS)) as Params;
      log.params = raw;

      // Idempotency: POSTs only, keyed by the secret key and Idempotency-Key; the fingerprint
      // covers the endpoint and the parameters, as Stripe compares them.
      const cacheKey = idempotencyKey && method === 'POST' ? `${secretKey}:${idempotencyKey}` : undefined;
      const fingerprint = createHash('sha256').update(`${method} ${url.pathname}\n${body}`).digest('hex');
      if (cacheKey) {
        const cached = store.idempotency.get(cacheKey);
        if (cached) {
          if (cached.fingerprint !== fingerprint) {
            throw new StripeApiError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`);
          }
          log.replayed = true;
          log.status = cached.status;
          res.writeHead(cached.status, { 'content-type': 'application/json', ...baseHeaders, 'idempotent-replayed': 'true' });
          res.end(cached.body);
          return;
        }
      }

      const params = validateParams(match.route.params, raw);
      const request = { id: requestId, idempotency_key: idempotencyKey ?? null };
      const result = match.route.handler({
        store,
        params,
        path: match.path,
        url: url.pathname,
        request,
        emit: (type, object, previous) => store.emit(type, object, request, previous),
      });
      const expanded = expand(store, result, params.expand as string[] | undefined);
      const json = JSON.stringify(expanded);
      if (cacheKey) store.idempotency.set(cacheKey, { fingerprint, status: 200, body: json });
      if (failAfter) {
        return reply(
          failAfter.status,
          new StripeApiError(failAfter.status, 'api_error', 'An unknown error occurred (injected by the stand-in after the request was carried out).'),
          failAfter.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(failAfter.shouldRetry) },
        );
      }
      log.status = 200;
      res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders, ...(cacheKey ? { 'idempotency-key': idempotencyKey! } : {}) });
      res.end(json);
    } catch (error) {
      if (error instanceof StripeApiError) return reply(error.status, error, error.headers);
      throw error;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  store.publicUrl = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    secretKey,
    store,
    requests,
    writes: () => requests.filter((r) => (r.method === 'POST' || r.method === 'DELETE') && !r.injected && r.status !== 0),
    failNext(count, status = 500, opts = {}) {
      for (let i = 0; i < count; i++) failures.push({ ...opts, status });
    },
    webhooks,
    completeCheckoutSession: (id) => void completeCheckoutSession(store, id),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function redact(key: string) {
  return key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : '****';
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
