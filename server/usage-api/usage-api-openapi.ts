// OpenAPI 3.1 description of the usage API, built from the same zod schemas that validate requests.
import { z } from 'zod';
import { API_KEY_SCOPES } from '../api-keys/api-key-scopes';
import { checkUsageInput } from '../metering/check-usage';
import { MAX_EVENTS_PER_BATCH, MAX_FUTURE_MINUTES, MAX_PAST_DAYS, usageEventSchema } from '../metering/record-usage-events';
import { reserveUsageInput } from '../metering/reserve-usage';
import { commitReservationInput } from '../metering/settle-reservation';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-event-types';
import { SIGNATURE_HEADER } from '../webhooks/webhook-signature';

/** Outbound webhooks, as receivers need them: the signature header and how to verify it. */
export const WEBHOOK_SIGNATURE_DESCRIPTION = [
  '## Outbound webhooks',
  'Organizations register endpoints in the console (Alerts & webhooks). Each delivery is an HTTPS (or HTTP) POST of a JSON event',
  '`{ id, type, createdAt, organizationId, data }` with the headers `Meterdesk-Event-Id`, `Meterdesk-Event-Type`, `Meterdesk-Delivery-Id` and',
  `\`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256>\`.`,
  '',
  '**Verify** each request before trusting it: take `t` and `v1` from the header; compute HMAC-SHA256 keyed with the endpoint’s signing secret',
  '(`whsec_…`, shown once when the endpoint is created) over the string `<t>.<raw request body>` (the bytes as received, before any JSON parsing);',
  'compare its lowercase hex with `v1` in constant time; refuse a `t` more than 5 minutes from your clock. Answer 2xx within 10 seconds;',
  'anything else (or no answer) is retried after 1, 2, 4 … minutes, doubling up to 4 hours, for 24 hours, with a last attempt at the 24-hour mark.',
  'An endpoint failing for 24 hours is disabled and the organization’s admins are told. Deliveries can repeat: deduplicate on the event id.',
].join('\n');

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request, field by field (details.fields)',
  401: 'Unknown, revoked or expired API key',
  402: 'quota_exceeded: names the scope and limit that blocked',
  403: 'Missing scope, or the plan has no API access',
  404: 'Not found',
  409: 'reservation_committed / reservation_released / reservation_expired: settled before; nothing changed',
  413: 'Body over 1 MB',
  429: 'Over the organization request rate; see Retry-After',
};

const errors = (codes: number[], descriptions: Record<number, string> = {}) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: descriptions[c] ?? ERROR_DESCRIPTIONS[c] ?? 'Error',
        content: { 'application/json': { schema: errorSchema } },
        ...(c === 429 ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } } : {}),
      },
    ]),
  );

const FOREIGN_IDS = 'Invalid request, field by field (details.fields), including a user or team of another organization (ids are resolved in the API key’s organization)';

const json = (s: object) => ({ content: { 'application/json': { schema: s } } });

export function usageApiOpenApi() {
  const event = schema(usageEventSchema);
  return {
    openapi: '3.1.0',
    info: { title: 'Meterdesk usage API', version: '1', description: `Record usage, check and reserve quota. Authenticate with an organization API key (scopes: ${API_KEY_SCOPES.join(', ')}).\n\n${WEBHOOK_SIGNATURE_DESCRIPTION}` },
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'mdk_…' } } },
    security: [{ apiKey: [] }],
    // OpenAPI 3.1 webhooks: what Meterdesk POSTs to the organization's registered endpoints.
    webhooks: Object.fromEntries(
      Object.entries(WEBHOOK_EVENT_TYPES).map(([type, summary]) => [
        type,
        {
          post: {
            summary,
            parameters: [
              { in: 'header', name: SIGNATURE_HEADER, required: true, schema: { type: 'string', pattern: '^t=\\d+,v1=[0-9a-f]{64}$' }, description: 'HMAC-SHA256(secret, "<t>.<raw body>") in hex; see the description above.' },
              { in: 'header', name: 'Meterdesk-Event-Id', required: true, schema: { type: 'string', format: 'uuid' } },
            ],
            requestBody: json({
              type: 'object',
              required: ['id', 'type', 'createdAt', 'organizationId', 'data'],
              properties: { id: { type: 'string', format: 'uuid' }, type: { const: type }, createdAt: { type: 'string', format: 'date-time' }, organizationId: { type: 'string', format: 'uuid' }, data: { type: 'object' } },
            }),
            responses: { '2XX': { description: 'Delivered; anything else is retried for 24 hours' } },
          },
        },
      ]),
    ),
    paths: {
      '/v1/usage/events': {
        post: {
          summary: `Record one usage event or up to ${MAX_EVENTS_PER_BATCH} (scope usage:write)`,
          requestBody: json({ oneOf: [event, { type: 'object', required: ['events'], properties: { events: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_BATCH, items: event } } }] }),
          responses: {
            202: {
              description:
                'A result per event: accepted, duplicate (idempotency key seen before) or rejected with the reason. Each event is judged on its own: a rejected one (bad field, ' +
                `occurredAt more than ${MAX_PAST_DAYS} days ago or ${MAX_FUTURE_MINUTES} minutes ahead, user or team not in the organization) does not stop the others.`,
              ...json({ type: 'object', properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' }, rejected: { type: 'integer' }, results: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, idempotencyKey: { type: 'string' }, status: { enum: ['accepted', 'duplicate', 'rejected'] }, reason: { type: 'string' } } } } } }),
            },
            ...errors([400, 401, 403, 413, 429], { 400: 'Not one event nor {"events": [...]} with 1 to 1,000 of them' }),
          },
        },
      },
      '/v1/usage/check': {
        post: { summary: 'Would this quantity fit now? (scope usage:read)', requestBody: json(schema(checkUsageInput)), responses: { 200: { description: '{allowed, remaining per scope, reason}' }, ...errors([400, 401, 403, 429], { 400: FOREIGN_IDS }) } },
      },
      '/v1/usage/reservations': {
        post: { summary: 'Reserve quota before acting (scope usage:write)', requestBody: json(schema(reserveUsageInput)), responses: { 201: { description: 'The reservation, with its id and expiry' }, ...errors([400, 401, 402, 403, 429], { 400: FOREIGN_IDS }) } },
      },
      '/v1/usage/reservations/{id}/commit': {
        post: {
          summary: 'Turn a reservation into usage (scope usage:write)',
          description:
            'Writes one usage event and moves the counters, together, or changes nothing. Committing less than was reserved gives the rest back; committing more than was reserved ' +
            'is refused (409 commit_exceeds_reservation, details.reserved) and the reservation stays pending. A reservation commits once: committing it again is a 409.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          requestBody: json(schema(commitReservationInput)),
          responses: {
            200: { description: 'Committed quantity and the usage event id' },
            ...errors([400, 401, 403, 404, 409, 429], {
              409:
                'commit_exceeds_reservation (details.reserved, details.requested) or idempotency_key_in_use (another event has the key): nothing changed and the reservation is still pending. ' +
                'reservation_committed / reservation_released / reservation_expired: settled before (or expired before this commit); nothing changed.',
            }),
          },
        },
      },
      '/v1/usage/reservations/{id}/release': {
        post: {
          summary: 'Give a reservation back (scope usage:write)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { 200: { description: 'Released' }, ...errors([401, 403, 404, 409, 429]) },
        },
      },
      '/v1/usage/summary': {
        get: {
          summary: 'Used, limit and remaining per metric in a period (scope usage:read)',
          parameters: [{ name: 'period', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } }],
          responses: { 200: { description: 'Summary' }, ...errors([400, 401, 403, 429]) },
        },
      },
      '/v1/entitlements': { get: { summary: "The plan's features (scope usage:read)", responses: { 200: { description: '{plan, features}' }, ...errors([401, 403, 429]) } } },
    },
  };
}
