import { z } from 'zod';

/** What a usage event may say about itself: the resource it concerns and what it cost and earned. */
export const usageDetailsSchema = z.object({
  resourceType: z.string().max(100).optional(),
  resourceId: z.string().max(200).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Millionths of `currency` (US SMS: 7500 = $0.0075). */
  costMicros: z.number().int().min(0).optional(),
  priceMicros: z.number().int().min(0).optional(),
  currency: z.string().length(3).toLowerCase().optional(),
});
