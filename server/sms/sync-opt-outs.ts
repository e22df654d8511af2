// The provider's opt-out list (SNS: ListPhoneNumbersOptedOut, every page) copied into
// sms_opt_outs and the contacts' mirror columns, recording each change as source provider_sync.
// Run on a schedule (jobs/registry.ts) and by the campaigns engine before each send. Numbers only
// ever join the list here: opting back in takes the recipient's START, never a sync.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { CredentialStore } from '../credentials/credential-store';
import { logUnexpectedError } from '../logging/log-error';
import type { SmsProvider } from './sms-provider';
import { findSmsProviderForOrganization, type SmsConfig } from './sms-provider-for-organization';
import { recordOptOuts } from './record-consent-change';

const E164 = /^\+[1-9]\d{6,14}$/;
const BATCH = 1000;

export async function syncOptOuts(db: Database, provider: SmsProvider, organizationId: string, clock: Clock = { now: () => new Date() }) {
  const listed = await provider.listOptedOut();
  const phones = [...new Set(listed.filter((p) => E164.test(p)))];
  const at = clock.now();
  let changed = 0;
  for (let i = 0; i < phones.length; i += BATCH) {
    changed += (await recordOptOuts(db, { organizationId, phones: phones.slice(i, i + BATCH), source: 'provider_sync', at, detail: 'ListPhoneNumbersOptedOut' })).length;
  }
  await db.query('update sms_channels set opt_outs_synced_at = $2::timestamptz where organization_id = $1::uuid', [organizationId, at]);
  return { listed: phones.length, changed, syncedAt: at };
}

/**
 * The scheduled job: each organization whose list is older than `everyMs` is claimed by one
 * process (FOR UPDATE SKIP LOCKED, then its synced-at moved forward) and synced.
 */
export async function syncDueOptOuts(services: { db: Database; clock: Clock; credentials: CredentialStore; sms?: SmsConfig }, everyMs = 60 * 60_000) {
  const { db, clock } = services;
  let synced = 0;
  for (let i = 0; i < 100; i++) {
    const now = clock.now();
    const [claimed] = await db.query<{ organization_id: string }>(
      `update sms_channels set opt_outs_synced_at = $1::timestamptz
       where organization_id = (
         select organization_id from sms_channels
         where opt_outs_synced_at is null or opt_outs_synced_at < $2::timestamptz
         order by opt_outs_synced_at nulls first limit 1 for update skip locked)
       returning organization_id`,
      [now, new Date(now.getTime() - everyMs)],
    );
    if (!claimed) break;
    try {
      const provider = await findSmsProviderForOrganization(db, services.credentials, claimed.organization_id, services.sms);
      if (!provider) continue;
      await syncOptOuts(db, provider, claimed.organization_id, clock);
      synced++;
    } catch (error) {
      logUnexpectedError(`sync-sms-opt-outs ${claimed.organization_id}`, error);
    }
  }
  return { synced };
}
