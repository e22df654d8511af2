// The what-if replay e2e suite's server: the console as `npm run serve` serves it, on a database
// with the demo data and, for the Starter tenant (Globex), 600 SMS sent last billing month through
// the live reservation path (reserve, then commit) at the times they happened.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app';
import { seedDemo } from '../../server/demo/seed-demo';
import { createHttpServer } from '../../server/http/create-http-server';
import { memoryKeychain } from '../helpers/test-app';
import { seedGlobexLastMonthSms } from './seed-replay-usage';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = await createApp({ keychain: memoryKeychain() });
const db = app.services.db;
await seedDemo(db, new Date());
await seedGlobexLastMonthSms(db);
const { url } = await createHttpServer({ app, port: Number(process.env.PORT), launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
app.startBackgroundJobs();
console.log(`Meterdesk console (plan-replay suite): ${url}`);
