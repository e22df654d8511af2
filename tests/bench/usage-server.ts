// The usage API as `npm run serve` runs it, without the console: for the ingestion benchmark.
import { createApp } from '../../server/app';
import { unavailableKeychain } from '../../server/keychain/keychain';
import { createHttpServer } from '../../server/http/create-http-server';

const app = await createApp({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR, keychain: unavailableKeychain('benchmark') });
const { port } = await createHttpServer({ app, port: 0, launchToken: 'bench-launch-token-0123456789abcdef' });
console.log(JSON.stringify({ port }));
process.on('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
