import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyAuthenticator } from '../../server/api-keys/authenticate-api-key';
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { recordUsageEvents } from '../../server/metering/record-usage-events';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

// `npm run cli -- apikey …` on the embedded database, as an operator would use it.
describe('apikey CLI', () => {
  let dataDir: string;
  const cli = (...args: string[]) => run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'server/cli.ts'), ...args], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-cli-'));
    const db = await openDatabase({ dataDir });
    await db.prisma.organization.create({ data: { slug: 'acme', name: 'Acme' } });
    await db.close();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('creates a key that authenticates with its scopes, lists it, and revokes it', async () => {
    const created = await cli('apikey', 'create', '--org', 'acme', '--scopes', 'usage:write,usage:read', '--name', 'Billing sync');
    const key = created.stdout.trim();
    expect(key).toMatch(/^mdk_[0-9a-f]{12}_[A-Za-z0-9_-]+$/);
    expect(created.stderr).toMatch(/shown once/);
    const prefix = key.split('_')[1]!;
    expect((await cli('apikey', 'list', '--org', 'acme')).stdout).toMatch(new RegExp(`${prefix}\\s+active\\s+usage:write,usage:read\\s+Billing sync`));

    let db = await openDatabase({ dataDir });
    const identity = await createApiKeyAuthenticator(db, systemClock)(`Bearer ${key}`);
    expect(identity).toMatchObject({ prefix, scopes: ['usage:write', 'usage:read'] });
    expect(JSON.stringify(await db.prisma.apiKey.findMany())).not.toContain(key);
    await db.close();

    expect((await cli('apikey', 'revoke', '--org', 'acme', '--prefix', prefix)).stdout).toMatch(/Revoked/);
    db = await openDatabase({ dataDir });
    expect(await createApiKeyAuthenticator(db, systemClock)(`Bearer ${key}`)).toBeNull();
    await db.close();
  });

  it('explains bad arguments', async () => {
    await expect(cli('apikey', 'create', '--org', 'acme', '--scopes', 'usage:fly')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/Scopes: usage:write, usage:read, sms:send/) });
    await expect(cli('apikey', 'create', '--org', 'nope', '--scopes', 'usage:read')).rejects.toMatchObject({ stderr: expect.stringMatching(/No organization has the slug "nope"/) });
    await expect(cli('frobnicate')).rejects.toMatchObject({ stderr: expect.stringMatching(/Usage:/) });
  });

  it('refuses to open an embedded database another process is using', async () => {
    const db = await openDatabase({ dataDir });
    try {
      const locked = await cli('apikey', 'list', '--org', 'acme').catch((e: { stderr: string }) => e);
      expect((locked as { stderr: string }).stderr).toMatch(/in use by another Meterdesk process/);
    } finally {
      await db.close();
    }
  });
  it('usage verify: reports counters that differ from the ledger, and exits 1', async () => {
    let db = await openDatabase({ dataDir });
    const acme = await db.prisma.organization.findUniqueOrThrow({ where: { slug: 'acme' } });
    await recordUsageEvents(db, acme.id, [{ metric: 'emails_sent', quantity: 824, idempotencyKey: 'cli-verify-1' }], systemClock);
    await db.close();
    expect((await cli('usage', 'verify')).stdout).toMatch(/All 1 counters match the ledger/);

    db = await openDatabase({ dataDir });
    await db.query(`update usage_counters set used = 830 where organization_id = $1 and metric = 'emails_sent'`, [acme.id]);
    await db.close();
    const drifted = (await cli('usage', 'verify', '--org', 'acme').catch((e: unknown) => e)) as { code: number; stdout: string; stderr: string };
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/^acme {2}organization \S+ {2}emails_sent {2}period \S+: counter used 830 reserved 0, ledger used 824 pending 0$/m);
    expect(drifted.stderr).toMatch(/1 counter\(s\) of acme differ from the ledger/);
    await expect(cli('usage', 'verify', '--org', 'nope')).rejects.toMatchObject({ stderr: expect.stringMatching(/No organization has the slug "nope"/) });
  });
});
