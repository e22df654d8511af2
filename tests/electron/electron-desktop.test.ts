// The desktop paths with Playwright's _electron on the built app: launch, sign in with "remember
// me" (the session is in the OS keychain, so a relaunch is still signed in), a meterdesk:// deep
// link handed to the running instance (single-instance lock → second-instance → the screen opens),
// and the tray's unread count. Needs the Electron binary (npm cannot download it on every network)
// and, on Linux, a Secret Service: where the binary is missing this skips and says why.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MeterdeskApp } from '../../server/app';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';
import { MemoryCarrier } from '../helpers/test-app';
import { openKeychain } from '../../server/keychain/keychain';
import { createNotifications } from '../../server/notifications/notify-people';
import { requirePrerequisite } from '../helpers/prerequisites';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function findElectron(): { path?: string; reason?: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: `the Electron binary is missing at ${String(path)}` };
  } catch (error) {
    return { reason: `the Electron binary is not installed (${(error as Error).message.split('\n')[0]}); install without ELECTRON_SKIP_BINARY_DOWNLOAD to run these tests` };
  }
}
const electron = findElectron();
const canRun = requirePrerequisite('Electron desktop tests', electron.path ? { ok: true } : { ok: false, reason: electron.reason! }, true) && postgresAvailable;

describe.skipIf(!canRun)(`desktop paths with _electron${canRun ? '' : ` (skipped: ${electron.reason})`}`, () => {
  let dataDir: string;
  let app: ElectronApplication | undefined;
  let page: Page;
  /** The test's own view of the shared database the desktop app runs on. */
  let server: MeterdeskApp;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let owner: { userId: string; organizationId: string };
  const keychainService = `Meterdesk desktop test ${randomBytes(4).toString('hex')}`;
  const env = () => {
    const e: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) e[k] = v;
    delete e.ELECTRON_RUN_AS_NODE;
    delete e.ELECTRON_RENDERER_URL;
    return { ...e, DATA_DIR: dataDir, MD_KEYCHAIN_SERVICE: keychainService, DATABASE_URL: database.url };
  };
  const args = (...extra: string[]) => [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root, ...extra];
  async function launch() {
    app = await _electron.launch({ executablePath: electron.path!, args: args(), env: env(), cwd: root, timeout: 60_000 });
    page = await app.firstWindow({ timeout: 60_000 });
  }

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-desktop-'));
    // One owner on a shared PostgreSQL, which the test reads and writes beside the app.
    database = await createPostgresDatabase();
    server = await createApp({ dataDir: await mkdtemp(join(tmpdir(), 'meterdesk-desktop-server-')), databaseUrl: database.url, keychain: await openKeychain(keychainService), env: {} });
    await (await server.createCaller(new MemoryCarrier())).setup.completeFirstRun({ name: 'Dana Desk', email: 'dana@desk.test', password: 'desktop-pass-42', organizationName: 'Desk Co', remember: false });
    const user = await server.services.db.prisma.user.findFirstOrThrow({ where: { email: 'dana@desk.test' }, include: { memberships: true } });
    owner = { userId: user.id, organizationId: user.memberships[0]!.organizationId };
    await launch();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    const keychain = await openKeychain(keychainService);
    await keychain.delete('session-token');
    await server?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('launches one locked-down window and signs in with remember me; a relaunch is still signed in (keychain)', async () => {
    expect(await page.title()).toBe('Meterdesk');
    await page.getByLabel('Work email').fill('dana@desk.test');
    await page.getByLabel('Password', { exact: true }).fill('desktop-pass-42');
    await page.getByLabel(/Remember me/).check();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Desk Co' }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await (await openKeychain(keychainService)).get('session-token')).toMatch(/^mds_/);
    await app!.close();
    await launch();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Desk Co' }).isVisible(), { timeout: 30_000 }).toBe(true);
  }, 180_000);

  it('a deep link given to a second launch opens its screen in the running window; a malformed one changes nothing', async () => {
    const second = spawnSync(electron.path!, args('meterdesk://open/usage?metric=sms_sent'), { env: env(), timeout: 30_000 });
    expect(second.status).toBe(0); // the lock hands the link over and quits
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain('#/usage?metric=sms_sent');
    spawnSync(electron.path!, args('meterdesk://open/../../etc'), { env: env(), timeout: 30_000 });
    expect(page.url()).toContain('#/usage?metric=sms_sent');
    expect(app!.windows()).toHaveLength(1);
  }, 120_000);

  it('the tray shows the unread alert count, and follows new alerts', async () => {
    const state = () => app!.evaluate(() => (globalThis as unknown as { meterdeskDesktopState: () => { unreadCount: number; tray: boolean } }).meterdeskDesktopState());
    expect((await state()).tray).toBe(true);
    const before = (await state()).unreadCount;
    await createNotifications(server.services.db.prisma, owner.organizationId, [{ userId: owner.userId, email: 'dana@desk.test', name: 'Dana' }], { kind: 'usage.threshold', title: 'SMS at 80%', body: 'SMS at 80% of the quota', link: 'usage' }, new Date());
    await expect.poll(async () => (await state()).unreadCount, { timeout: 60_000, interval: 1_000 }).toBe(before + 1);
  }, 90_000);
});
