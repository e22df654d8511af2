// The desktop's hardening, checked without the Electron binary: the built preload's exposed
// surface (run in a vm with a stand-in contextBridge), the window's webPreferences, navigation,
// pop-up and permission decisions as the pure functions main.ts applies, and the CSP — as the
// desktop sends it, as the built page carries it, and as browser mode sends it as a header.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIsStale } from '../../electron/build-freshness.mjs';
import { contentSecurityPolicy, navigationDecision, permissionRequestDecision, secureWebPreferences, windowOpenDecision, type RendererSource } from '../../electron/security';
import { createApp, type MeterdeskApp } from '../../server/app';
import { createHttpServer } from '../../server/http/create-http-server';
import { memoryKeychain } from '../helpers/test-app';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const built: RendererSource = { kind: 'file', url: 'file:///opt/Meterdesk/resources/app.asar/out/renderer/index.html' };
const OUTPUTS = ['out/main/main.js', 'out/preload/preload.cjs', 'out/renderer/index.html'];

beforeAll(() => {
  if (!buildIsStale(root, OUTPUTS)) return;
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
}, 300_000);

/** Runs the built preload the way a sandboxed renderer does: `require` knows only 'electron'. */
function runPreload() {
  const code = readFileSync(join(root, 'out', 'preload', 'preload.cjs'), 'utf8');
  const required: string[] = [];
  const exposed: Record<string, unknown> = {};
  const sent: Array<{ channel: string; args: unknown[] }> = [];
  const listened: string[] = [];
  const onLoaded: Array<() => void> = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
    ipcRenderer: {
      send: (channel: string, ...args: unknown[]) => void sent.push({ channel, args }),
      on: (channel: string) => void listened.push(channel),
      invoke: () => {
        throw new Error('the preload must not use invoke');
      },
    },
  };
  const sandbox = {
    require: (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    },
    module: { exports: {} },
    exports: {},
    process: { once: (event: string, cb: () => void) => event === 'loaded' && onLoaded.push(cb) },
  };
  vm.runInNewContext(code, sandbox, { filename: 'preload.cjs' });
  for (const cb of onLoaded) cb();
  return { required, exposed, sent, listened };
}

describe('preload', () => {
  it('exposes only the tRPC bridge — sendMessage and onMessage on the trpc-electron channel — and requires only electron', () => {
    const { required, exposed, sent, listened } = runPreload();
    expect([...new Set(required)]).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['electronTRPC']);
    const bridge = exposed.electronTRPC as Record<string, (...args: unknown[]) => unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['onMessage', 'sendMessage']);
    bridge.sendMessage!({ method: 'request' });
    bridge.onMessage!(() => {});
    expect(sent.map((s) => s.channel)).toEqual(['trpc-electron']);
    expect(listened).toEqual(['trpc-electron']);
  });

  it('never hands the page Node or Electron objects: the bridge functions return nothing', () => {
    const { exposed } = runPreload();
    const bridge = exposed.electronTRPC as Record<string, (...args: unknown[]) => unknown>;
    expect(bridge.sendMessage!({})).toBeUndefined();
    expect(bridge.onMessage!(() => {})).toBeUndefined();
  });
});

describe('window and session rules', () => {
  it('webPreferences: no Node, sandboxed, isolated, web security on', () => {
    const prefs = secureWebPreferences('/app/out/preload/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('main.ts applies these rules (and nothing weakens them)', () => {
    const main = readFileSync(join(root, 'electron', 'main.ts'), 'utf8');
    expect(main).toContain('webPreferences: secureWebPreferences(preloadPath)');
    expect(main).toContain('setPermissionRequestHandler(');
    expect(main).toContain('setPermissionCheckHandler(');
    expect(main).toContain('setWindowOpenHandler(');
    expect(main).toContain("on('will-navigate'");
    expect(main).toContain("on('will-attach-webview'");
    expect(main).not.toMatch(/webSecurity:\s*false|nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false/);
  });

  it.each(['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'clipboard-read', 'clipboard-sanitized-write', 'pointerLock', 'fullscreen', 'openExternal', 'hid', 'serial', 'usb', 'display-capture', 'idle-detection', 'unknown'])(
    'denies the %s permission',
    (permission) => {
      expect(permissionRequestDecision(permission, built.url)).toBe(false);
      expect(permissionRequestDecision(permission, 'https://evil.example/')).toBe(false);
    },
  );

  it('navigation stays on the app; web links open in the system browser; other schemes go nowhere', () => {
    expect(navigationDecision(`${built.url}#/members`, built)).toEqual({ allow: true, openExternally: false });
    expect(navigationDecision('https://stripe.com/checkout', built)).toEqual({ allow: false, openExternally: true });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>x</script>', 'meterdesk://open/usage', 'smb://host/share', 'chrome://settings']) {
      expect(navigationDecision(url, built)).toEqual({ allow: false, openExternally: false });
    }
  });

  it('new windows are always denied; only http(s) goes to the system browser', () => {
    expect(windowOpenDecision('https://billing.stripe.com/p/session')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenDecision('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('about:blank')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: false });
  });
});

/** Each directive of a policy, as a map. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectStrict(policy: string) {
  const d = directives(policy);
  expect(d.get('default-src')).toEqual(["'self'"]);
  expect(d.get('script-src')).toEqual(["'self'"]); // no inline scripts, no eval, no remote hosts
  expect(d.get('object-src')).toEqual(["'none'"]);
  expect(d.get('base-uri')).toEqual(["'none'"]);
  for (const [name, values] of d) {
    for (const value of values) {
      // Remote content: no host, scheme wildcard or http(s) source anywhere.
      expect(value, `${name} ${value}`).toMatch(/^('self'|'none'|'unsafe-inline'|data:)$/);
    }
  }
  expect(d.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
}

describe('content security policy', () => {
  it('the desktop policy forbids inline scripts and remote content', () => {
    expectStrict(contentSecurityPolicy(built));
    expect(directives(contentSecurityPolicy(built)).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('the built page carries the same policy and has no inline script', () => {
    const html = readFileSync(join(root, 'out', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expectStrict(meta!);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\.?\/?[^":]+"/); // a file of the app, never a remote URL
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
  });

  describe('browser mode sends it as a header', () => {
    let app: MeterdeskApp;
    let server: FastifyInstance;
    let base: string;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-csp-'));
      app = await createApp({ dataDir, databaseUrl: null, keychain: memoryKeychain() });
      ({ server, url: base } = await createHttpServer({ app, port: 0, launchToken: 'launch-token-for-csp-tests-0123456789', rendererDir: join(root, 'out', 'renderer') }).then((s) => ({ ...s, url: `http://127.0.0.1:${s.port}` })));
    });
    afterAll(async () => {
      await server?.close();
      await app?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('on the page, its files, the API and refusals alike', async () => {
      const asset = /src="\.?\/?([^"]+\.js)"/.exec(readFileSync(join(root, 'out', 'renderer', 'index.html'), 'utf8'))?.[1];
      expect(asset && existsSync(join(root, 'out', 'renderer', asset))).toBe(true);
      for (const path of ['/', `/${asset}`, '/api/health', '/trpc/setup.status']) {
        const res = await fetch(`${base}${path}`);
        const header = res.headers.get('content-security-policy');
        expect(header, path).toBeTruthy();
        expectStrict(header!);
        expect(directives(header!).get('frame-ancestors')).toEqual(["'none'"]);
      }
    });
  });
});
