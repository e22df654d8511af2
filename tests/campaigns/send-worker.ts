// One sending process for at-most-once tests: runs the sending job against a database until nothing
// is due, publishing through the real SnsProvider to the SNS stand-in. With a crash count n it dies
// (exit 137, no cleanup) right after its n-th Publish was answered — the stand-in has the message,
// the database still says `sending` — as a killed process would.
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { DEFAULT_SENDER_OPTIONS, runCampaignSending } from '../../server/campaigns/send-campaign-messages';
import { SnsProvider } from '../../server/sms/sns/sns-provider';
import type { SendSmsInput } from '../../server/sms/sms-provider';

const [url, endpoint, region, accessKeyId, secretAccessKey, crashAfter] = process.argv.slice(2);
const db = await openDatabase({ databaseUrl: url });
let calls = 0;
class CrashingProvider extends SnsProvider {
  override async send(input: SendSmsInput) {
    const result = await super.send(input);
    if (crashAfter && ++calls >= Number(crashAfter)) process.exit(137);
    return result;
  }
}
const provider = new CrashingProvider({ endpoint, region: region!, accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, retryBaseDelayMs: 1 });
for (let i = 0; i < 100; i++) {
  const r = await runCampaignSending({ db, clock: systemClock, smsProviders: async () => provider }, { ...DEFAULT_SENDER_OPTIONS, lanes: 2, batchSize: 5 });
  if (r.sent + r.failed + r.unknown + r.retried + r.skipped === 0) break;
}
await db.close();
process.exit(0);
