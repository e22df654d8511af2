// The webhooks e2e suite's server: the console served as `npm run serve` does, with background jobs
// every second (so deliveries go out while the test watches), and a customer's webhook receiver on
// E2E_CONTROL_PORT. The receiver checks every delivery's signature with the README's recipe, using
// the secret the test copied from the console (POST /secret), and lists what it received on GET /.
//
// Webhook signing secrets are sealed under a key from the OS keychain; a headless e2e machine has no
// keychain, so this server gives the app an in-memory one (the keychain tests cover the real one).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app';
import { createHttpServer } from '../../server/http/create-http-server';
import { memoryKeychain } from '../helpers/test-app';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const port = Number(process.env.PORT);
const controlPort = Number(process.env.E2E_CONTROL_PORT);

const app = await createApp({ keychain: memoryKeychain() });
const { url } = await createHttpServer({ app, port, launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
app.startBackgroundJobs(1000);
console.log(`Meterdesk console with a webhook receiver on 127.0.0.1:${controlPort}: ${url}`);

interface Received {
  eventId: string;
  eventType: string;
  deliveryId: string;
  verified: boolean;
  receivedAt: string;
}
const received: Received[] = [];
let secret = '';

/** The README's recipe: HMAC-SHA256(secret, "<t>.<raw body>") in hex equals v1, and t is within 5 minutes. */
function verify(rawBody: string, header: string | undefined): boolean {
  if (!secret || !header) return false;
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  if (!parts.t || !parts.v1 || Math.abs(Date.now() / 1000 - Number(parts.t)) > 300) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${parts.t}.${rawBody}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const target = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'POST' && target.pathname === '/secret') {
      secret = body.trim();
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'POST' && target.pathname === '/hooks') {
      received.push({
        eventId: String(req.headers['meterdesk-event-id'] ?? ''),
        eventType: String(req.headers['meterdesk-event-type'] ?? ''),
        deliveryId: String(req.headers['meterdesk-delivery-id'] ?? ''),
        verified: verify(body, req.headers['meterdesk-signature'] as string | undefined),
        receivedAt: new Date().toISOString(),
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('received');
      return;
    }
    if (req.method === 'GET' && target.pathname === '/received.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
      return;
    }
    if (req.method === 'GET' && target.pathname === '/') {
      const rows = received
        .map((r) => `<tr data-testid="received"><td>${escape(r.receivedAt)}</td><td>${escape(r.eventType)}</td><td>${escape(r.eventId)}</td><td>${r.verified ? 'Signature verified' : 'Signature NOT verified'}</td></tr>`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Webhook receiver</title><h1>Webhook receiver</h1><table><tr><th>Received</th><th>Event</th><th>Event id</th><th>Signature</th></tr>${rows}</table>`);
      return;
    }
    res.writeHead(404).end();
  });
}).listen(controlPort, '127.0.0.1');
