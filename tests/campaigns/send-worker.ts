// One sending process for at-most-once tests: runs the sending job against a database until nothing
// is due, publishing through a provider that appends each published number to a log file before
// answering (so a kill between the call and the answer leaves a trace, as the real provider would
// have sent). With CRASH_AFTER_CLAIMS=n it dies (process.exit, no cleanup) right after its n-th batch
// reaches the provider, before the outcome is recorded.
import { appendFileSync } from 'node:fs';
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { DEFAULT_SENDER_OPTIONS, runCampaignSending } from '../../server/campaigns/send-campaign-messages';
import { RecordingProvider } from './campaign-helpers';
import type { SendSmsInput } from '../../server/sms/sms-provider';

const [url, logFile, crashAfter] = process.argv.slice(2);
const db = await openDatabase({ databaseUrl: url });
let calls = 0;
class LoggingProvider extends RecordingProvider {
  override async send(input: SendSmsInput) {
    appendFileSync(logFile!, `${input.to}\n`);
    calls++;
    if (crashAfter && calls >= Number(crashAfter)) process.exit(137);
    return super.send(input);
  }
}
const provider = new LoggingProvider();
for (let i = 0; i < 100; i++) {
  const r = await runCampaignSending({ db, clock: systemClock, smsProviders: async () => provider }, { ...DEFAULT_SENDER_OPTIONS, lanes: 2, batchSize: 5 });
  if (r.sent + r.failed + r.unknown + r.retried + r.skipped === 0) break;
}
await db.close();
process.exit(0);
