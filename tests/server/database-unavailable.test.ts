// When the shared PostgreSQL cannot be reached, every procedure answers SERVICE_UNAVAILABLE with
// `databaseUnavailable` (over tRPC callers and HTTP with status 503), never a generic error with a
// correlation id, and never "signed out"; once it is back, the same session works again. Two real
// outages: the network path cut (a TCP proxy taken down: connections refused and reset) and the
// database refusing connections (ALLOW_CONNECTIONS false, backends terminated).
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MeterdeskApp } from '../../server/app';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../../server/db/database-unavailable';
import { createHttpServer } from '../../server/http/create-http-server';
import { adminQuery, createPostgresDatabase, postgresAvailable } from '../helpers/databases';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { createDesktopFiles, createLaunchPacks } from '../../electron/desktop-file-dialogs';
import { memoryKeychain, TestClock } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('isDatabaseUnavailable', () => {
  const withCode = (message: string, code: string, extra: object = {}) => Object.assign(new Error(message), { code, ...extra });
  it('recognises unreachable-database errors however they are wrapped', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', { syscall: 'connect', errno: -111 }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('database "x" is not currently accepting connections', '55000'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('query failed', { cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 } }))).toBe(true);
    expect(isDatabaseUnavailable(withCode("Can't reach database server at 127.0.0.1:5432", 'P1001'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'all failed'))).toBe(true);
  });
  it('leaves every other failure alone (they stay internal errors with a correlation id)', () => {
    expect(isDatabaseUnavailable(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('object not in prerequisite state', '55000'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('syntax error at or near "selec"', '42601'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    // A cyclic cause chain ends.
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = a;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

describe.runIf(postgresAvailable)('an unreachable shared database, on PostgreSQL', () => {
  let proxy: TcpProxy;
  let app: MeterdeskApp;
  let tenant: Tenant;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dbName: string;
  let dataDir: string;
  let http: Awaited<ReturnType<typeof createHttpServer>>;
  const token = 'offline-test-launch-token';

  async function expectUnavailable(call: () => Promise<unknown>) {
    const error = await call().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('SERVICE_UNAVAILABLE');
    expect((error as TRPCError).message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
  }

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const url = new URL(database.url);
    dbName = url.pathname.slice(1);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-offline-'));
    app = await createApp({ dataDir, databaseUrl: url.toString(), clock: new TestClock(new Date()), keychain: memoryKeychain() });
    tenant = await seedTenant(app, 'offline');
    http = await createHttpServer({ app, port: 0, launchToken: token });
  });
  afterAll(async () => {
    await http?.server.close();
    await proxy?.bringUp();
    await app?.close();
    await proxy?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('the network path cut: 503 SERVICE_UNAVAILABLE for signed-in and public procedures; back up, the same session works', async () => {
    const caller = () => app.createCaller(tenant.people.owner.carrier);
    expect((await (await caller()).auth.me())?.user.id).toBe(tenant.people.owner.userId);
    // An export pack made while the database is up, to be opened while it is down.
    const { runId } = await (await caller()).exports.start({ scope: 'organization', period: new Date().toISOString().slice(0, 7), format: 'pack' });
    await app.services.exports!.running.get(runId)?.done;
    const packPath = (await app.services.db.prisma.exportRun.findFirstOrThrow({ where: { id: runId } })).filePath!;
    const packFiles = createDesktopFiles({
      dialog: { showSaveDialog: async () => ({ canceled: true }), showOpenDialog: async () => ({ canceled: false, filePaths: [packPath] }) },
      window: {},
      defaultFolder: dataDir,
      protectedFolders: [],
      launchPacks: createLaunchPacks(),
    });
    await proxy.down();
    // Signed in: the session cannot be resolved — unavailable, not "signed out".
    await expectUnavailable(async () => (await caller()).auth.me());
    await expectUnavailable(async () => (await caller()).teams.list());
    await expectUnavailable(async () => (await caller()).teams.create({ name: 'Written while offline' }));
    expect(tenant.people.owner.carrier.token).toBeTruthy();
    // Signed out (no session to resolve): the procedure's own query fails the same way.
    await expectUnavailable(async () => (await app.createCaller(new (tenant.people.owner.carrier.constructor as new () => typeof tenant.people.owner.carrier)())).settings.ping());
    // Over HTTP: status 503 and the flag the console's banner reads.
    const res = await fetch(`http://127.0.0.1:${http.port}/trpc/settings.ping`, { headers: { 'x-meterdesk-token': token } });
    expect(res.status).toBe(503);
    // (superjson wraps the error shape in `json`.)
    const body = (await res.json()) as { error: { json: { message: string; data: { code: string; databaseUnavailable?: boolean; correlationId?: string } } } };
    expect(body.error.json.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', databaseUnavailable: true });
    expect(body.error.json.data.correlationId).toBeUndefined();
    expect(body.error.json.message).toBe(DATABASE_UNAVAILABLE_MESSAGE);

    // Checking an export pack needs no database: it still works on the desktop.
    const opened = await (await app.createCaller(tenant.people.owner.carrier, { transport: 'desktop', files: packFiles })).exports.openPackFromDisk({ source: 'dialog' });
    expect(opened.opened && opened.pack.verdict).toBe('intact');

    await proxy.bringUp();
    expect(await (await caller()).settings.ping()).toEqual({ ok: true });
    expect((await (await caller()).auth.me())?.user.id).toBe(tenant.people.owner.userId);
    // Nothing was written while it was down; the same input goes through now.
    const created = await (await caller()).teams.create({ name: 'Written while offline' });
    expect(created).toBeTruthy();
  });

  it('the database refusing connections (ALLOW_CONNECTIONS false, sessions ended): unavailable, then back', async () => {
    const caller = () => app.createCaller(tenant.people.owner.carrier);
    await adminQuery(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    try {
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}' AND pid <> pg_backend_pid()`);
      await expectUnavailable(async () => (await caller()).auth.me());
      await expectUnavailable(async () => (await caller()).settings.ping());
    } finally {
      await adminQuery(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    }
    expect((await (await caller()).auth.me())?.user.id).toBe(tenant.people.owner.userId);
  });
});
