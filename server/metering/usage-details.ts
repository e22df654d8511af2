import { z } from 'zod';
import { boundedJsonObject, plainText } from '../validation/text';

/** Bounds on an event's metadata: enough for attribution, too small to carry a payload or a stack bomb. */
export const METADATA_BOUNDS = { maxDepth: 5, maxBytes: 4096 } as const;

/**
 * An idempotency key: well-formed text without control characters, so two different keys can never
 * be stored as the same string (lone surrogates would both become U+FFFD).
 */
export const idempotencyKeySchema = plainText().min(1, 'idempotencyKey is required').max(200, 'idempotencyKey must be at most 200 characters');

/** What a usage event may say about itself: the resource it concerns and what it cost and earned. */
export const usageDetailsSchema = z.object({
  resourceType: plainText().max(100).optional(),
  resourceId: plainText().max(200).optional(),
  metadata: boundedJsonObject(METADATA_BOUNDS)
    .describe(`A flat-ish JSON object: at most ${METADATA_BOUNDS.maxDepth} levels deep and ${METADATA_BOUNDS.maxBytes} bytes as JSON; no control characters in keys or strings.`)
    .optional(),
  /** Millionths of `currency` (US SMS: 7500 = $0.0075). */
  costMicros: z.number().int().min(0).optional(),
  priceMicros: z.number().int().min(0).optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'currency must be a three-letter ISO 4217 code such as "usd"')
    .toLowerCase()
    .optional(),
});
