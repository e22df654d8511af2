// SMS campaign benchmark against PostgreSQL (DATABASE_URL, default the local server) and the SNS
// stand-in, in one run:
//  1. plan: a 100,000-recipient campaign launched through the engine — audience by tag, consent and
//     opt-out filtering, parts, cost by country from the rate card, ONE reservation, and the
//     100,000 message rows written — timed end to end (plus a promotional preview, whose quiet-hours
//     work the transactional launch skips);
//  2. send: the sending job (claim with SKIP LOCKED, mark sending, Publish through the real
//     SnsProvider, record outcomes and meter each message) with no rate limit, beside a raw baseline:
//     the same number of Publish calls straight from a loop through the same SDK client
//     configuration, with the same concurrency;
//  3. duplicates: numbers published more than once for the campaign, counted in the stand-in's log.
import { randomBytes } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import pg from 'pg';
import { launchCampaign } from '../../server/campaigns/launch-campaign';
import { previewCampaign } from '../../server/campaigns/preview-campaign';
import { DEFAULT_SENDER_OPTIONS, runCampaignSending } from '../../server/campaigns/send-campaign-messages';
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { createSnsClients } from '../../server/sms/sns/sns-client';
import { SnsProvider } from '../../server/sms/sns/sns-provider';
import { startSnsStandIn } from '../stand-ins/sns/server';

const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const RECIPIENTS = Number(process.env.BENCH_SMS_RECIPIENTS ?? 100_000);
const LANES = Number(process.env.BENCH_SMS_LANES ?? 5);
const BATCH = Number(process.env.BENCH_SMS_BATCH ?? 10);
const CONCURRENCY = LANES * BATCH;

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

const name = `meterdesk_bench_sms_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const standIn = await startSnsStandIn({ originationNumbers: [{ phoneNumber: '+18445550100', status: 'ACTIVE', partsPerSecond: 1_000_000 }] });
const db = await openDatabase({ databaseUrl: url.toString() });
try {
  const clock = systemClock;
  const now = clock.now();
  const [org] = await db.query<{ id: string }>(`insert into organizations (id, slug, name, updated_at) values (gen_random_uuid(), 'bench-sms', 'Bench SMS', now()) returning id`);
  const organizationId = org!.id;
  const [user] = await db.query<{ id: string }>(`insert into users (id, email, name, updated_at) values (gen_random_uuid(), 'owner@bench.test', 'Owner', now()) returning id`);
  await db.query(`insert into memberships (organization_id, id, user_id, role, updated_at) values ($1, gen_random_uuid(), $2, 'owner', now())`, [organizationId, user!.id]);
  await db.prisma.quotaOverride.create({ data: { organizationId, metric: 'sms_sent', limit: null, startsAt: new Date(now.getTime() - 86_400_000), endsAt: new Date(now.getTime() + 86_400_000), reason: 'bench' } });
  // No rate limit: the sender allows a million parts a second.
  await db.prisma.smsChannel.create({ data: { organizationId, region: standIn.region, originationNumber: '+18445550100', partsPerSecond: 1_000_000 } });
  // 100,000 contacts with consent across 10 US area codes, 1% opted out.
  await db.query(
    `insert into contacts (organization_id, id, owner_user_id, name, phone, country, tags, consent_sms, opt_out_sms, updated_at)
     select $1, gen_random_uuid(), $2, 'Contact ' || i, '+1' || (array['212','415','312','617','206','305','512','702','303','404'])[1 + i % 10] || lpad((i / 10)::text, 7, '0'),
            'US', array['customers'], true, i % 100 = 0, now()
       from generate_series(0, $3 - 1) i`,
    [organizationId, user!.id, Math.ceil(RECIPIENTS / 0.99)],
  );
  await db.query('analyze');
  const actor = { organizationId, userId: user!.id, role: 'owner' as const };

  // 1. Plan.
  const draft = { name: 'Bench', body: 'Bench: your order has shipped. Track it in the app.', smsType: 'Transactional' as const, appendFooter: true, includeTags: ['customers'], excludeTags: [], quietHoursAction: 'hold' as const };
  const promo = performance.now();
  const preview = await previewCampaign(db, actor, { ...draft, smsType: 'Promotional' }, clock);
  const previewSeconds = (performance.now() - promo) / 1000;
  const campaign = await db.prisma.campaign.create({ data: { organizationId, ownerUserId: user!.id, ...draft } });
  const planStarted = performance.now();
  const launched = await launchCampaign(db, actor, { campaignId: campaign.id }, clock);
  const planSeconds = (performance.now() - planStarted) / 1000;
  emit({ bench: 'sms', figure: 'plan', recipients: launched.counts.eligible, optedOut: launched.counts.optedOut, parts: launched.totalParts, seconds: +planSeconds.toFixed(2), target: '<= 5 s' });
  emit({ bench: 'sms', figure: 'preview_promotional', recipients: preview.counts.eligible, heldQuietHours: preview.counts.heldQuietHours, seconds: +previewSeconds.toFixed(2) });

  // 2. Send, then the baseline.
  const options = { accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, region: standIn.region, endpoint: standIn.endpoint };
  const provider = new SnsProvider(options);
  const sendStarted = performance.now();
  for (;;) {
    const r = await runCampaignSending({ db, clock, smsProviders: async () => provider }, { ...DEFAULT_SENDER_OPTIONS, lanes: LANES, batchSize: BATCH, budgetMs: 600_000 });
    if (r.sent + r.failed + r.unknown + r.retried + r.skipped === 0) break;
  }
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  const counts = await db.query<{ status: string; n: string }>('select status, count(*) as n from campaign_messages where campaign_id = $1 group by status', [campaign.id]);
  const sent = Number(counts.find((c) => c.status === 'sent')?.n ?? 0);
  const campaignPublishes = standIn.store.published.filter((p) => p.message.startsWith('Bench:'));
  const duplicates = campaignPublishes.length - new Set(campaignPublishes.map((p) => p.phoneNumber)).size;

  const client = createSnsClients(options).publish;
  const phones = campaignPublishes.map((p) => p.phoneNumber);
  let next = 0;
  const baseStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < phones.length) {
        const phone = phones[next++]!;
        await client.send(
          new PublishCommand({
            PhoneNumber: phone,
            Message: 'Baseline: your order has shipped. Track it in the app.\nReply STOP to opt out',
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' }, 'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+18445550100' } },
          }),
        );
      }
    }),
  );
  const baseSeconds = (performance.now() - baseStarted) / 1000;
  const engineRate = sent / sendSeconds;
  const baseRate = phones.length / baseSeconds;
  emit({ bench: 'sms', figure: 'send_engine', messages: sent, seconds: +sendSeconds.toFixed(2), perSecond: Math.round(engineRate), concurrency: CONCURRENCY, target: '>= 1000/s' });
  emit({ bench: 'sms', figure: 'send_baseline_raw_publish', messages: phones.length, seconds: +baseSeconds.toFixed(2), perSecond: Math.round(baseRate), concurrency: CONCURRENCY });
  emit({ bench: 'sms', figure: 'send_ratio', ratio: +(engineRate / baseRate).toFixed(2), target: '>= 0.5' });
  const usage = await db.query<{ n: string; q: string }>(`select count(*) as n, coalesce(sum(quantity), 0) as q from usage_events where resource_id = $1`, [campaign.id]);
  emit({ bench: 'sms', figure: 'duplicates', duplicates, publishedForCampaign: campaignPublishes.length, statuses: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])), usageEvents: Number(usage[0]!.n), target: 0 });
} finally {
  await db.close();
  await standIn.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
process.exit(0);
