// What a quantity of overage units costs on an invoice: the meter's price is per unit in millionths
// of the major unit (plan-catalog OVERAGES, sent to Stripe as unit_amount_decimal in cents), and the
// invoice line is rounded to the nearest cent. Integer arithmetic only.
export function overageAmountMinor(units: number, unitPriceMicros: number): number {
  if (!Number.isSafeInteger(units) || units < 0) throw new Error(`invalid overage units ${units}`);
  if (!Number.isSafeInteger(unitPriceMicros) || unitPriceMicros < 0) throw new Error(`invalid unit price ${unitPriceMicros}`);
  const tenThousandths = BigInt(units) * BigInt(unitPriceMicros); // micros of a major unit = 1/10,000 of a cent
  return Number((tenThousandths + 5_000n) / 10_000n);
}
