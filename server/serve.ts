// `npm run serve`: the console and its API on http://127.0.0.1:$PORT for browser use and tests.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsStale } from '../electron/build-freshness.mjs';
import { createApp, type MeterdeskApp } from './app';
import { DatabaseOpenError, redactUrl } from './db/open-database';
import { createHttpServer } from './http/create-http-server';
import { listenErrorMessage } from './http/listen-error-message';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rendererDir = join(root, 'out', 'renderer');

const port = Number(process.env.PORT ?? 4873);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a number from 0 to 65535 (got ${process.env.PORT}).`);
  process.exit(2);
}

if (buildIsStale(root, ['out/renderer/index.html'])) {
  console.log(existsSync(join(rendererDir, 'index.html')) ? 'Rebuilding the console (its sources changed)…' : 'Building the console once (out/renderer is missing)…');
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const host = process.env.HOST || undefined;
let opened: MeterdeskApp | undefined; // closed again when listening fails
try {
  const app = await createApp();
  opened = app;
  const launchToken = process.env.MD_LAUNCH_TOKEN ?? randomBytes(24).toString('base64url');
  const { server, url } = await createHttpServer({ app, port, launchToken, rendererDir, host });
  const stopJobs = app.startBackgroundJobs();
  const where = app.services.db.kind === 'postgres' ? redactUrl(process.env.DATABASE_URL ?? 'saved connection') : `embedded PGlite in ${app.dataDir}`;
  console.log(`Database: ${where} (${app.services.db.migrations.applied} migrations applied)`);
  console.log(`Meterdesk console: ${url}`);
  const stop = async () => {
    await stopJobs(); // lets a running Stripe poll finish before the database closes
    await server.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  // Problems a person can fix get a sentence and a non-zero exit, not a stack trace.
  const message = error instanceof DatabaseOpenError ? `Meterdesk cannot start: ${error.message}` : listenErrorMessage(error, { port, host: host ?? '127.0.0.1' });
  if (!message) throw error;
  await opened?.close().catch(() => {});
  console.error(message);
  process.exit(1);
}
