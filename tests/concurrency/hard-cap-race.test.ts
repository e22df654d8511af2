import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/open-database';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';
import { expectCountersMatchLedger } from '../helpers/usage-invariants';

// Several processes, each with its own connection pool, race one organization's hard cap on a
// shared PostgreSQL: exactly the quota is handed out, never a unit more.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runWorker(url: string, organizationId: string, attempts: number, concurrency: number): Promise<{ reserved: number; refused: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'tests/concurrency/race-worker.ts'), url, organizationId, String(attempts), String(concurrency)], {
      cwd: root,
      env: { ...process.env, DATABASE_POOL_SIZE: String(concurrency) },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

describe.runIf(postgresAvailable)('hard cap under concurrency (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let db: Database;
  let organizationId: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    db = await openDatabase({ databaseUrl: database.url! });
    organizationId = (await db.prisma.organization.create({ data: { slug: 'racy', name: 'Racy' } })).id;
    await db.prisma.subscription.create({ data: { organizationId, planKey: 'starter' } }); // 1,000 SMS, hard cap
  });
  afterAll(async () => {
    if (db) await expectCountersMatchLedger(db);
    await db?.close();
    await database?.drop();
  });

  it('three processes × 16 connections asking for 1,200 units get exactly 1,000', async () => {
    const results = await Promise.all([0, 1, 2].map(() => runWorker(database.url!, organizationId, 400, 16)));
    const reserved = results.reduce((n, r) => n + r.reserved, 0);
    const refused = results.reduce((n, r) => n + r.refused, 0);
    expect(reserved).toBe(1000);
    expect(refused).toBe(200);
    const [counter] = await db.query<{ used: string; reserved: string }>(`select used, reserved from usage_counters where organization_id = $1 and scope = 'organization' and metric = 'sms_sent'`, [organizationId]);
    expect(Number(counter!.used) + Number(counter!.reserved)).toBe(1000);
    const [events] = await db.query<{ n: string; total: string }>(`select count(*) as n, sum(quantity) as total from usage_events where organization_id = $1`, [organizationId]);
    expect(Number(events!.total)).toBe(Number(counter!.used));
    const [pending] = await db.query<{ total: string }>(`select coalesce(sum(quantity), 0) as total from usage_reservations where organization_id = $1 and status = 'pending'`, [organizationId]);
    expect(Number(pending!.total)).toBe(Number(counter!.reserved));
  });
});
