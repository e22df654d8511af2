// The billing e2e suite's server: the Stripe stand-in (catalog synced) and the console served as
// `npm run serve` does, with STRIPE_SECRET_KEY/STRIPE_API_BASE pointing at the stand-in. Playwright
// starts it as its web server. A small control endpoint on E2E_CONTROL_PORT plays the parts outside
// the console: the customer paying on Stripe's checkout page, a tenant falling past due, and (plan
// lab suite) Globex's recorded SMS of last month once the demo data is loaded.
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app';
import { StripeProvider } from '../../server/billing/stripe/stripe-provider';
import { loadStripeSdk } from '../../server/billing/stripe/stripe-sdk';
import { createHttpServer } from '../../server/http/create-http-server';
import { startStripeStandIn } from '../stand-ins/stripe/server';
import { seedGlobexLastMonthSms } from './seed-replay-usage';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const port = Number(process.env.PORT);
const controlPort = Number(process.env.E2E_CONTROL_PORT);

const standIn = await startStripeStandIn();
await loadStripeSdk();
await new StripeProvider({ secretKey: standIn.secretKey, apiBase: standIn.url }).syncCatalog();
process.env.STRIPE_SECRET_KEY = standIn.secretKey;
process.env.STRIPE_API_BASE = standIn.url;

const app = await createApp();
const { server, url } = await createHttpServer({ app, port, launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
const stopJobs = app.startBackgroundJobs();
console.log(`Meterdesk console with the Stripe stand-in at ${standIn.url}: ${url}`);

const control = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://control').pathname;
  const done = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  void (async () => {
    const complete = /^\/checkout\/(cs_[A-Za-z0-9_]+)\/complete$/.exec(path);
    if (req.method === 'POST' && complete) {
      standIn.completeCheckoutSession(complete[1]!);
      return done(200, { completed: complete[1] });
    }
    if (req.method === 'POST' && path === '/past-due') {
      // Stripe failed to charge the renewal: the state the processor mirrors from invoice.payment_failed.
      const n = await app.services.db.prisma.subscription.updateMany({ data: { status: 'past_due', providerStatus: 'past_due' } });
      return done(200, { updated: n.count });
    }
    if (req.method === 'POST' && path === '/replay-usage') {
      await seedGlobexLastMonthSms(app.services.db);
      return done(200, { seeded: 'globex' });
    }
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
