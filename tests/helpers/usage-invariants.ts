import { expect } from 'vitest';
import type { Database } from '../../server/db/open-database';
import { verifyUsageCounters } from '../../server/metering/verify-usage-counters';

/** Every usage counter equals the ledger's sums and the pending reservations (run after each metering test). */
export async function expectCountersMatchLedger(db: Database) {
  const { mismatches } = await verifyUsageCounters(db);
  expect(mismatches, 'usage counters differ from the ledger').toEqual([]);
}
