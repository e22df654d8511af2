// The envelope every Stripe event has, checked wherever an event enters (webhook or poll). The
// objects inside are re-read from Stripe by the processor, not trusted.
import { z } from 'zod';

export const stripeEventSchema = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/, 'not a Stripe event id'),
  object: z.literal('event'),
  type: z.string().regex(/^[a-z0-9_.]{1,200}$/, 'not a Stripe event type'),
  created: z.number().int().nonnegative(),
  data: z.object({
    object: z.object({ id: z.string().max(255).optional(), object: z.string().max(100).optional() }).loose(),
    previous_attributes: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type StripeEvent = z.infer<typeof stripeEventSchema>;
