// One process of the SMS benchmark's send phase (tests/bench/sms-bench.ts), either
//  - `engine URL`: the sending job (runCampaignSending) against the database until nothing is due, or
//  - `raw FROM TO … PREFIX`: the baseline, Publish calls straight from a loop for phone indexes [FROM, TO),
//    messages starting with PREFIX (so the benchmark can tell its two halves apart at the stand-in),
// both through the same SnsProvider/SDK client configuration and `concurrency` calls in flight.
// Prints one JSON line with what it did and its CPU time.
import { PublishCommand } from '@aws-sdk/client-sns';
import { DEFAULT_SENDER_OPTIONS, runCampaignSending } from '../../server/campaigns/send-campaign-messages';
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { createSnsClients } from '../../server/sms/sns/sns-client';
import { SnsProvider, type SnsProviderOptions } from '../../server/sms/sns/sns-provider';

const [mode, a, b, optionsJson, lanesArg, batchArg, prefix = 'Baseline:'] = process.argv.slice(2);
const sns = JSON.parse(optionsJson!) as SnsProviderOptions;
const lanes = Number(lanesArg);
const batchSize = Number(batchArg);
const concurrency = lanes * batchSize;
let cpu = process.cpuUsage();
let started = performance.now();
let done = 0;

if (mode === 'engine') {
  const db = await openDatabase({ databaseUrl: a! });
  const provider = new SnsProvider({ ...sns, maxSockets: concurrency });
  for (;;) {
    const r = await runCampaignSending({ db, clock: systemClock, smsProviders: async () => provider }, { ...DEFAULT_SENDER_OPTIONS, lanes, batchSize, budgetMs: 600_000 });
    const n = r.sent + r.failed + r.unknown + r.retried + r.skipped;
    done += r.sent;
    if (n === 0) break;
  }
  await db.close();
} else {
  const client = createSnsClients({ ...sns, maxSockets: concurrency }).publish;
  const publishRange = async (from: number, to: number, text: string) => {
    let next = from;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < to) {
          const i = next++;
          await client.send(
            new PublishCommand({
              PhoneNumber: benchPhone(i),
              Message: `${text} your order has shipped. Track it in the app.\nReply STOP to opt out`,
              MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' }, 'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+18445550100' } },
            }),
          );
          done++;
        }
      }),
    );
  };
  // Warmed up first, uncounted (the JIT, the sockets, and the stand-in): the baseline is the best
  // the raw loop does; the engine gets no warm-up.
  await publishRange(Number(a), Number(a) + Math.min(1000, Number(b) - Number(a)), 'Warmup:');
  done = 0;
  cpu = process.cpuUsage();
  started = performance.now();
  await publishRange(Number(a), Number(b), prefix);
}
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ mode, done, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }));
process.exit(0);

/** The benchmark's contacts' numbers, by index (as sms-bench.ts writes them). */
export function benchPhone(i: number) {
  return `+1${['212', '415', '312', '617', '206', '305', '512', '702', '303', '404'][i % 10]}${String(Math.floor(i / 10)).padStart(7, '0')}`;
}
