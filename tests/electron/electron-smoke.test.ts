// The packaged shape for real: build, launch Electron on out/main/main.js with a throwaway data
// folder, and check the window, its lock-down and the first-run wizard. Needs the Electron binary,
// which npm cannot download everywhere: where it is missing this test skips and says why.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePrerequisite, type Prerequisite } from '../helpers/prerequisites';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The first-run wizard's heading on an empty database (renderer/src/screens/SetupWizardScreen.tsx). */
const FIRST_RUN_TEXT = 'Welcome to Meterdesk';

function findElectron(): { path?: string; check: Prerequisite } {
  try {
    // node_modules/electron/index.js exports the executable's path; it throws when the binary
    // was never downloaded (no dist/, no path.txt).
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path, check: { ok: true } };
    return { check: { ok: false, reason: `the Electron binary is missing at ${String(path)}` } };
  } catch (error) {
    return {
      check: {
        ok: false,
        reason: `the Electron binary is not installed (${(error as Error).message.split('\n')[0]}); install without ELECTRON_SKIP_BINARY_DOWNLOAD to run this test`,
      },
    };
  }
}

const electron = findElectron();
// The binary is the one prerequisite CI may lack here (npm cannot download it on these machines).
const canRun = requirePrerequisite('Electron smoke test', electron.check, true);

/** Linux without a display: start a private Xvfb when one is installed. */
async function ensureDisplay(): Promise<{ env: Record<string, string>; stop(): void }> {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return { env: {}, stop() {} };
  const display = 90 + Math.floor(Math.random() * 400);
  let xvfb: ChildProcess;
  try {
    xvfb = spawn('Xvfb', [`:${display}`, '-screen', '0', '1400x1000x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  } catch {
    throw new Error('No display and no Xvfb: install xvfb (apt-get install -y xvfb) or run with DISPLAY set.');
  }
  const spawnError = new Promise<never>((_, reject) =>
    xvfb.once('error', () => reject(new Error('No display and Xvfb could not start: install xvfb or set DISPLAY.'))),
  );
  const socket = `/tmp/.X11-unix/X${display}`;
  const ready = (async () => {
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(socket)) throw new Error(`Xvfb did not open display :${display}`);
  })();
  await Promise.race([ready, spawnError]);
  return { env: { DISPLAY: `:${display}` }, stop: () => void xvfb.kill() };
}

describe.skipIf(!canRun)(`Electron app smoke test${canRun ? '' : ` (skipped: ${electron.check.ok ? '' : electron.check.reason})`}`, () => {
  let dataDir: string;
  let display: Awaited<ReturnType<typeof ensureDisplay>> | undefined;
  let app: ElectronApplication | undefined;
  let page: Page;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);

    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-electron-'));
    display = await ensureDisplay();
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    delete env.ELECTRON_RUN_AS_NODE;
    delete env.ELECTRON_RENDERER_URL;
    Object.assign(env, display.env, {
      DATA_DIR: dataDir,
      // Never touch the person's own remembered session: a keychain service of this run's own.
      MD_KEYCHAIN_SERVICE: `Meterdesk smoke ${randomBytes(4).toString('hex')}`,
    });
    // Chromium refuses to start as root with its OS sandbox (containers, CI); the renderer is still
    // sandboxed by Electron's own webPreferences.
    const args = process.getuid?.() === 0 ? ['--no-sandbox', root] : [root];
    app = await _electron.launch({ executablePath: electron.path!, args, env, cwd: root, timeout: 60_000 });
    page = await app.firstWindow({ timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    display?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('opens one window titled Meterdesk with the first-run wizard', async () => {
    await page.waitForLoadState('domcontentloaded');
    expect(await page.title()).toBe('Meterdesk');
    const windowTitles = await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.getTitle()));
    expect(windowTitles).toEqual(['Meterdesk']);
    await page.getByText(FIRST_RUN_TEXT).first().waitFor({ state: 'visible', timeout: 60_000 });
  }, 120_000);

  it('gives the page the tRPC bridge and nothing else: no Node, no navigation away, no pop-ups', async () => {
    const surface = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return {
        require: typeof w.require,
        process: typeof w.process,
        bridge: Object.keys((w.electronTRPC ?? {}) as object).sort(),
        // Non-web URLs: a denied http(s) link would go to the system browser.
        popup: window.open('about:blank') === null,
      };
    });
    expect(surface).toEqual({ require: 'undefined', process: 'undefined', bridge: ['onMessage', 'sendMessage'], popup: true });

    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'file:///etc/hostname';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(app!.windows()).toHaveLength(1);
  }, 60_000);
});
