// The connections e2e suite's server: the console as `npm run serve` runs it, on the real OS
// keychain (a keychain service of this run's own, so the person's Meterdesk entries are never
// touched), beside a real SMTP server that requires a login. The control endpoint on
// E2E_CONTROL_PORT tells the test the SMTP port and whether a keychain is available.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

process.env.MD_KEYCHAIN_SERVICE = `Meterdesk e2e ${randomBytes(4).toString('hex')}`;
const { createApp } = await import('../../server/app');
const { createHttpServer } = await import('../../server/http/create-http-server');
const { openKeychain } = await import('../../server/keychain/keychain');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const port = Number(process.env.PORT);
const controlPort = Number(process.env.E2E_CONTROL_PORT);

const smtp = new SMTPServer({
  authMethods: ['PLAIN', 'LOGIN'],
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  onAuth: (auth, _session, callback) => (auth.username === 'mailer' && auth.password === 'right-password' ? callback(null, { user: 'mailer' }) : callback(new Error('Invalid username or password'))),
  onData: (stream, _session, callback) => {
    stream.resume();
    stream.on('end', () => callback());
  },
});
await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
const smtpPort = (smtp.server.address() as { port: number }).port;

const keychain = await openKeychain();
const app = await createApp({ keychain, env: {} });
const { url } = await createHttpServer({ app, port, launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
console.log(`Meterdesk console on the ${keychain.available ? 'real' : 'missing'} keychain, SMTP on ${smtpPort}: ${url}`);

createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ smtpPort, keychainAvailable: keychain.available, keychainReason: keychain.unavailableReason ?? null }));
}).listen(controlPort, '127.0.0.1');

const cleanUp = async () => {
  for (const account of ['connection:smtp.url', 'connection:stripe.secret_key', 'connection:stripe.webhook_secret', 'session-token', 'outbox-encryption-key', 'webhook-secret-key']) await keychain.delete(account).catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', () => void cleanUp());
process.on('SIGINT', () => void cleanUp());
