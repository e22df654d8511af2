import { expect } from 'vitest';
import type { Database } from '../../server/db/open-database';
import { verifyUsageCounters } from '../../server/metering/verify-usage-counters';
import { verifyUsageRollups } from '../../server/metering/verify-usage-rollups';

/**
 * Every usage counter equals the ledger's sums and the pending reservations, and every daily rollup
 * the ledger's sums of its day (run after each metering test).
 */
export async function expectCountersMatchLedger(db: Database) {
  const { mismatches } = await verifyUsageCounters(db);
  expect(mismatches, 'usage counters differ from the ledger').toEqual([]);
  expect(await verifyUsageRollups(db), 'daily usage rollups differ from the ledger').toEqual([]);
}
