// The offline e2e suite's server: the console served as `npm run serve` does, on a fresh database on
// the local PostgreSQL reached through a TCP proxy (tests/helpers/tcp-proxy.ts) that the test takes
// down and brings back over E2E_CONTROL_PORT (POST /db/down, POST /db/up), as a network outage would.
// Without PostgreSQL it serves on PGlite and GET /status says so (the spec then skips with a reason).
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app';
import { createHttpServer } from '../../server/http/create-http-server';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { memoryKeychain } from '../helpers/test-app';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const controlPort = Number(process.env.E2E_CONTROL_PORT);

const database = postgresAvailable ? await createPostgresDatabase() : null;
const upstream = database ? new URL(database.url) : null;
const proxy = upstream ? await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) }) : null;
let databaseUrl: string | undefined;
if (upstream && proxy) {
  const viaProxy = new URL(upstream);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  databaseUrl = viaProxy.toString();
}
const app = await createApp({ keychain: memoryKeychain(), databaseUrl });
const { server, url } = await createHttpServer({ app, port: Number(process.env.PORT), launchToken: process.env.MD_LAUNCH_TOKEN!, rendererDir: join(root, 'out', 'renderer') });
const stopJobs = app.startBackgroundJobs();
console.log(`Meterdesk console on ${databaseUrl ? 'PostgreSQL through a proxy' : 'PGlite'} (offline suite), control on 127.0.0.1:${controlPort}: ${url}`);

const control = createServer((req, res) => {
  const done = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  void (async () => {
    if (req.method === 'GET' && req.url === '/status') return done(200, { postgres: !!proxy, up: proxy?.up ?? true });
    if (!proxy) return done(409, { error: 'no PostgreSQL here' });
    if (req.method === 'POST' && req.url === '/db/down') return (await proxy.down(), done(200, { up: proxy.up }));
    if (req.method === 'POST' && req.url === '/db/up') return (await proxy.bringUp(), done(200, { up: proxy.up }));
    done(404, { error: 'unknown control path' });
  })().catch((error: unknown) => done(500, { error: String(error) }));
});
control.listen(controlPort, '127.0.0.1');

const stop = async () => {
  control.close();
  await proxy?.bringUp();
  await stopJobs();
  await server.close();
  await app.close();
  await proxy?.close();
  await database?.drop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
