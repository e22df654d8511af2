// The SMS settings e2e suite's server: the SNS stand-in (its certificate trusted, one toll-free
// number) and the console served as `npm run serve` does, pointed at the stand-in, with an
// in-memory keychain. A control endpoint on E2E_CONTROL_PORT plays the parts outside the console:
// the stand-in's credentials (what an admin copies from AWS) and a phone replying to the number.
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app';
import { createHttpServer } from '../../server/http/create-http-server';
import { memoryKeychain } from '../helpers/test-app';
import { startSnsStandIn, trustStandInCertificate } from '../stand-ins/sns/server';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const port = Number(process.env.PORT);
const controlPort = Number(process.env.E2E_CONTROL_PORT);

trustStandInCertificate();
const standIn = await startSnsStandIn({ inSandbox: true, originationNumbers: [{ phoneNumber: '+18445550100', status: 'ACTIVE', partsPerSecond: 3 }, { phoneNumber: '+12065550111', status: 'PENDING' }] });
standIn.store.attributes.set('MonthlySpendLimit', '250');
const app = await createApp({ keychain: memoryKeychain(), sms: { endpoint: standIn.endpoint, certificateHosts: [standIn.certHost], retryBaseDelayMs: 1 } });
const { server, url } = await createHttpServer({ app, port, launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
const webhook = `http://127.0.0.1:${port}/webhooks/sns`;
console.log(`Meterdesk console with the SNS stand-in at ${standIn.endpoint}: ${url}`);

const control = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://control').pathname;
  const done = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      if (req.method === 'GET' && path === '/credentials') return done(200, { accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, topicArn: standIn.topicArn() });
      if (req.method === 'POST' && path === '/inbound') {
        const { from, body } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { from: string; body: string };
        const answer = await standIn.inbound({ url: webhook, from, to: '+18445550100', body });
        return done(200, { status: answer.status, body: answer.body });
      }
      done(404, { error: 'unknown control path' });
    })().catch((error: unknown) => done(500, { error: String(error) }));
  });
});
control.listen(controlPort, '127.0.0.1');

const stop = async () => {
  control.close();
  await server.close();
  await app.close();
  await standIn.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
