import { z } from 'zod';
import { plainText } from '../validation/text';
import type { Database } from '../db/open-database';

export const findRateInput = z.object({
  channel: plainText().min(1).max(20),
  /** ISO 3166-1 alpha-2 of the destination. */
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'Use a two-letter country code.'),
  messageType: plainText().min(1).max(40),
  at: z.coerce.date().optional(),
});

export interface Rate {
  priceMicros: number;
  costMicros: number;
  currency: string;
  version: number;
  country: string;
}

/**
 * The rate card line in force at `at` for a channel × destination country × message type: the
 * country's own line, else the catch-all (*) line. Prices and costs are in millionths of the
 * currency (US SMS: 7,500 = $0.0075).
 */
export async function findRate(db: Database, input: z.output<typeof findRateInput>, now: Date): Promise<Rate | null> {
  const at = input.at ?? now;
  const country = input.country.toUpperCase();
  const cards = await db.prisma.rateCard.findMany({
    where: {
      channel: input.channel,
      messageType: input.messageType,
      country: { in: [country, '*'] },
      effectiveFrom: { lte: at },
      OR: [{ effectiveTo: null }, { effectiveTo: { gt: at } }],
    },
    orderBy: { effectiveFrom: 'desc' },
  });
  // The country's own line wins over the catch-all (collations disagree on where '*' sorts).
  const card = cards.find((c) => c.country === country) ?? cards.find((c) => c.country === '*');
  if (!card) return null;
  return { priceMicros: Number(card.priceMicros), costMicros: Number(card.costMicros), currency: card.currency, version: card.version, country: card.country };
}
