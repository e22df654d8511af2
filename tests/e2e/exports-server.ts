// The exports e2e suite's server: the console served as `npm run serve` does, with an in-memory
// keychain holding the installation's signing key (the e2e machine has no OS keychain).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app';
import { createHttpServer } from '../../server/http/create-http-server';
import { memoryKeychain } from '../helpers/test-app';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = await createApp({ keychain: memoryKeychain() });
const { url } = await createHttpServer({ app, port: Number(process.env.PORT), launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
app.startBackgroundJobs();
console.log(`Meterdesk console (exports suite): ${url}`);
