// The usage API (server mode): JSON over HTTP, authenticated with an organization's API key.
// Every handler: key → scope → request-rate token → validated input → one use case.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { MeterdeskApp } from '../app';
import { createApiKeyAuthenticator, type ApiKeyIdentity } from '../api-keys/authenticate-api-key';
import type { ApiKeyScope } from '../api-keys/api-key-scopes';
import { AppError } from '../errors';
import { logUnexpectedError } from '../logging/log-error';
import { checkUsage, checkUsageInput } from '../metering/check-usage';
import { getEntitlements } from '../metering/get-entitlements';
import { getUsageSummary, usageSummaryInput } from '../metering/get-usage-summary';
import { MAX_EVENTS_PER_BATCH, recordUsageEvents } from '../metering/record-usage-events';
import { reserveUsage, reserveUsageInput } from '../metering/reserve-usage';
import { commitReservation, commitReservationInput, releaseReservation, type SettleResult } from '../metering/settle-reservation';
import { usageApiOpenApi } from './usage-api-openapi';
import { createRequestTokenTaker } from './take-request-token';
import { sendApiError, sendFieldError, sendValidationError } from './usage-api-errors';
import { ApiRequestCounter, type ApiRequestCounterOptions } from './count-api-requests';

const reservationParams = z.object({ id: z.uuid('The reservation id in the path is not valid.') });

/** 409 for a reservation that is no longer pending: settled before, or expired before this commit. */
function sendSettled(reply: FastifyReply, result: SettleResult) {
  const state = result.status.replace(/^already_/, '');
  const committedQuantity = 'committedQuantity' in result ? result.committedQuantity : 0;
  const message = result.status === 'expired' ? 'This reservation expired before it was committed; nothing was recorded. Reserve again.' : `This reservation was already ${state}; nothing changed.`;
  return sendApiError(reply, 409, `reservation_${state}`, message, { status: state, committedQuantity });
}

export function registerUsageApi(server: FastifyInstance, app: MeterdeskApp, apiRequestMetering?: ApiRequestCounterOptions) {
  const { db, clock } = app.services;
  const authenticate = createApiKeyAuthenticator(db, clock);
  const takeRequestToken = createRequestTokenTaker(db, clock);
  // Admitted requests are metered as api_requests in batches (not an event each); flushed at close.
  const apiRequests = new ApiRequestCounter(db, clock, apiRequestMetering);
  server.addHook('onClose', () => apiRequests.close());
  // Each admitted request's answer is its outcome, for the dashboards' success rate of api_requests.
  const admitted = new WeakMap<FastifyRequest, string>();
  server.addHook('onResponse', async (req, reply) => {
    const organizationId = admitted.get(req);
    if (organizationId) apiRequests.outcome(organizationId, reply.statusCode < 400);
  });

  /** Resolves the key and takes a rate token; answers the error itself and returns null when refused. */
  async function admit(req: FastifyRequest, reply: FastifyReply, scope: ApiKeyScope): Promise<ApiKeyIdentity | null> {
    const identity = await authenticate(req.headers.authorization);
    if (!identity) {
      sendApiError(reply, 401, 'invalid_api_key', 'Send a valid API key as "Authorization: Bearer mdk_…". This one is unknown, revoked or expired.');
      return null;
    }
    if (!identity.scopes.includes(scope)) {
      sendApiError(reply, 403, 'missing_scope', `This API key lacks the "${scope}" scope.`, { required: scope, granted: identity.scopes });
      return null;
    }
    const token = await takeRequestToken(identity.organizationId);
    if (!token.ok && token.reason === 'no_api_access') {
      sendApiError(reply, 403, 'plan_without_api_access', "The organization's plan does not include API access. Upgrade to use the API.");
      return null;
    }
    if (!token.ok) {
      reply.header('Retry-After', String(token.retryAfterSeconds));
      sendApiError(reply, 429, 'rate_limited', `Too many requests for this organization. Retry after ${token.retryAfterSeconds} s.`, { retryAfterSeconds: token.retryAfterSeconds });
      return null;
    }
    apiRequests.count(identity.organizationId);
    admitted.set(req, identity.organizationId);
    return identity;
  }

  function parse<T extends z.ZodType>(schema: T, value: unknown, reply: FastifyReply): z.output<T> | null {
    const parsed = schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    sendValidationError(reply, parsed.error);
    return null;
  }

  server.get('/v1/openapi.json', async () => usageApiOpenApi());

  server.post('/v1/usage/events', async (req, reply) => {
    const identity = await admit(req, reply, 'usage:write');
    if (!identity) return reply;
    const body = req.body as { events?: unknown } | undefined;
    const events = body && typeof body === 'object' && Array.isArray(body.events) ? body.events : body && typeof body === 'object' && !('events' in body) ? [body] : null;
    if (!events || events.length === 0) return sendApiError(reply, 400, 'invalid_request', 'Send one event object, or {"events": [...]} with 1 to 1,000 events.');
    if (events.length > MAX_EVENTS_PER_BATCH) return sendApiError(reply, 400, 'invalid_request', `At most ${MAX_EVENTS_PER_BATCH} events per request; this one has ${events.length}.`);
    const results = await recordUsageEvents(db, identity.organizationId, events, clock);
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return reply.code(202).send({ accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), results });
  });

  server.post('/v1/usage/check', async (req, reply) => {
    const identity = await admit(req, reply, 'usage:read');
    if (!identity) return reply;
    const input = parse(checkUsageInput, req.body, reply);
    if (!input) return reply;
    try {
      return await checkUsage(db, identity.organizationId, input, clock);
    } catch (error) {
      // A user or team of another organization: a 400 on that field, like any invalid input.
      if (error instanceof AppError && error.code === 'BAD_REQUEST' && error.details.field) return sendFieldError(reply, error.details.field, error.message);
      throw error;
    }
  });

  server.post('/v1/usage/reservations', async (req, reply) => {
    const identity = await admit(req, reply, 'usage:write');
    if (!identity) return reply;
    const input = parse(reserveUsageInput, req.body, reply);
    if (!input) return reply;
    const result = await reserveUsage(db, identity.organizationId, input, clock);
    if (result.status === 'invalid') return sendFieldError(reply, result.field, result.message);
    if (result.status === 'blocked') {
      const status = result.scope === 'user' || result.scope === 'team' || result.scope === 'organization' ? 402 : 403;
      return sendApiError(reply, status, status === 402 ? 'quota_exceeded' : 'sending_blocked', result.message, { scope: result.scope, limit: result.limit, remaining: result.remaining });
    }
    const { reservationId, expiresAt, periodStart, remaining, creditQuantity, overageQuantity } = result;
    return reply.code(201).send({ reservation: { id: reservationId, metric: input.metric, quantity: input.quantity, expiresAt, periodStart, remaining, creditQuantity, overageQuantity } });
  });

  server.post('/v1/usage/reservations/:id/commit', async (req, reply) => {
    const identity = await admit(req, reply, 'usage:write');
    if (!identity) return reply;
    const params = parse(reservationParams, req.params, reply);
    const input = params && parse(commitReservationInput, req.body, reply);
    if (!params || !input) return reply;
    const result = await commitReservation(db, identity.organizationId, params.id, input, clock);
    switch (result.status) {
      case 'committed':
        return result;
      case 'commit_exceeds_reservation':
        return sendApiError(reply, 409, result.status, `Only ${result.reserved} was reserved, so ${result.requested} cannot be committed. The reservation is still pending: commit at most ${result.reserved}, or reserve more first.`, {
          reserved: result.reserved,
          requested: result.requested,
        });
      case 'idempotency_key_in_use':
        return sendApiError(reply, 409, result.status, `Another usage event already has the idempotency key ${JSON.stringify(result.idempotencyKey)}; nothing was committed. The reservation is still pending: commit it with a different key, or release it.`, {
          idempotencyKey: result.idempotencyKey,
        });
      default:
        return sendSettled(reply, result);
    }
  });

  server.post('/v1/usage/reservations/:id/release', async (req, reply) => {
    const identity = await admit(req, reply, 'usage:write');
    if (!identity) return reply;
    const params = parse(reservationParams, req.params, reply);
    if (!params) return reply;
    const result = await releaseReservation(db, identity.organizationId, params.id, clock);
    if (result.status === 'released') return result;
    return sendSettled(reply, result);
  });

  server.get('/v1/usage/summary', async (req, reply) => {
    const identity = await admit(req, reply, 'usage:read');
    if (!identity) return reply;
    const input = parse(usageSummaryInput, req.query, reply);
    if (!input) return reply;
    return getUsageSummary(db, identity.organizationId, input, clock);
  });

  server.get('/v1/entitlements', async (req, reply) => {
    const identity = await admit(req, reply, 'usage:read');
    if (!identity) return reply;
    return getEntitlements(db, identity.organizationId, clock);
  });
}

/** Maps errors thrown below the handlers (domain errors, oversized or malformed bodies) to the API's shape. */
export function usageApiErrorHandler(error: Error & { statusCode?: number; code?: string }, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    const status = { NOT_FOUND: 404, BAD_REQUEST: 400, FORBIDDEN: 403, UNAUTHORIZED: 401, CONFLICT: 409, TOO_MANY_REQUESTS: 429, PRECONDITION_FAILED: 412 }[error.code];
    return sendApiError(reply, status, error.code.toLowerCase(), error.message);
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendApiError(reply, 413, 'body_too_large', 'The request body is larger than 1 MB. Send at most 1,000 events per request.');
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendApiError(reply, 415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json.');
  if (error.statusCode === 400) return sendApiError(reply, 400, 'invalid_json', `The body is not valid JSON: ${error.message}`);
  // Unexpected: the detail goes to the server log (never to the client) under a reference both share.
  const correlationId = logUnexpectedError(`usage-api ${req.method} ${req.routeOptions.url ?? '(no route)'}`, error);
  return sendApiError(reply, 500, 'internal_error', `Something went wrong on our side (reference ${correlationId}); nothing was recorded twice. Retry with the same idempotency keys, or send the reference to support.`, { correlationId });
}
