// The SMS e2e suite's server: the SNS stand-in and the console served as `npm run serve` does, with
// SNS_ENDPOINT pointing at the stand-in and its certificate host trusted for signed notifications.
// A control endpoint on E2E_CONTROL_PORT plays the parts outside the console: the stand-in's keys
// (an admin would copy them from AWS), contacts (as an import would leave them), and a phone
// replying STOP (the stand-in posts the signed inbound notification to /webhooks/sns).
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app';
import { createHttpServer } from '../../server/http/create-http-server';
import { startSmsStandIn } from '../helpers/sms';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const port = Number(process.env.PORT);
const controlPort = Number(process.env.E2E_CONTROL_PORT);

const { standIn, sms } = await startSmsStandIn();
// Server mode: the AWS key pair comes from the environment (it wins over the keychain, which a
// headless e2e machine does not have).
process.env.SNS_ACCESS_KEY_ID = standIn.accessKeyId;
process.env.SNS_SECRET_ACCESS_KEY = standIn.secretAccessKey;
process.env.SNS_REGION = standIn.region;
const app = await createApp({ sms });
const { server, url } = await createHttpServer({ app, port, launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
const stopJobs = app.startBackgroundJobs(1000);
console.log(`Meterdesk console with the SNS stand-in at ${standIn.endpoint}: ${url}`);

const control = createServer((req, res) => {
  const target = new URL(req.url ?? '/', 'http://control');
  const done = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  void (async () => {
    const db = app.services.db;
    const org = await db.prisma.organization.findFirst({ where: { slug: target.searchParams.get('org') ?? 'acme' } });
    if (target.pathname === '/keys') return done(200, { accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, region: standIn.region, topicArn: standIn.topicArn() });
    if (!org) return done(404, { error: 'organization not found' });
    if (req.method === 'POST' && target.pathname === '/channel') {
      // The channel row an admin's first save of the keys creates (keys are in the environment here).
      await db.prisma.smsChannel.upsert({ where: { organizationId: org.id }, create: { organizationId: org.id, region: standIn.region, originationNumber: '+18445550100' }, update: {} });
      return done(200, { ok: true });
    }
    if (req.method === 'POST' && target.pathname === '/contacts') {
      const owner = await db.prisma.membership.findFirstOrThrow({ where: { organizationId: org.id, role: 'owner' } });
      const phones = ['+14155550101', '+14155550102', '+14155550103', '+12125550104', '+12125550105'];
      await db.query(
        `insert into contacts (organization_id, id, owner_user_id, name, phone, country, tags, consent_sms, consent_source, consent_at, updated_at)
         select $1, gen_random_uuid(), $2, 'Launch guest ' || right(p, 3), p, 'US', array['launch-party'], true, 'import', now(), now() from unnest($3::text[]) p
         on conflict do nothing`,
        [org.id, owner.userId, phones],
      );
      return done(200, { phones });
    }
    if (req.method === 'POST' && target.pathname === '/reply') {
      const from = target.searchParams.get('from')!;
      const delivery = await standIn.inbound({ url: `http://127.0.0.1:${port}/webhooks/sns`, from, to: '+18445550100', body: target.searchParams.get('body') ?? 'STOP' });
      return done(200, { status: delivery.status });
    }
    if (target.pathname === '/opted-out') {
      const phone = target.searchParams.get('phone')!;
      const [row] = await db.query<{ opted: boolean }>(
        'select exists (select 1 from sms_opt_outs where organization_id = $1 and phone = $2) and exists (select 1 from contacts where organization_id = $1 and phone = $2 and opt_out_sms) as opted',
        [org.id, phone],
      );
      return done(200, { optedOut: row!.opted });
    }
    if (target.pathname === '/published') return done(200, { phones: standIn.store.published.map((p) => p.phoneNumber) });
    done(404, { error: 'unknown control path' });
  })().catch((error: unknown) => done(500, { error: String(error) }));
});
control.listen(controlPort, '127.0.0.1');

const stop = async () => {
  control.close();
  await stopJobs();
  await server.close();
  await app.close();
  await standIn.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
