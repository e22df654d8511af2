// The desktop wiring without Electron: the keychain session carrier, and the real router served by
// trpc-electron's real main handler to trpc-electron's real renderer link, over a stand-in ipcMain
// that copies every message the way Electron's structured-clone IPC does. Real embedded database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, type TRPCClient } from '@trpc/client';
import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../server/api/root';
import { createApp, type MeterdeskApp } from '../../server/app';
import { unavailableKeychain, type Keychain } from '../../server/keychain/keychain';
import { createKeychainSessionCarrier, SESSION_TOKEN_ACCOUNT, type KeychainSessionCarrier } from '../../electron/keychain-session-carrier';
import { installFakeElectron } from './fake-electron';
import { createDesktopFiles, createLaunchPacks } from '../../electron/desktop-file-dialogs';

/** An in-memory OS keychain implementing server/keychain/keychain.ts's interface. */
function fakeKeychain(): Keychain & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    available: true,
    entries,
    get: async (account) => entries.get(account),
    set: async (account, secret) => void entries.set(account, secret),
    delete: async (account) => void entries.delete(account),
  };
}

describe('keychain session carrier', () => {
  const expiresAt = new Date(Date.now() + 86_400_000);

  it('keeps the token in memory, and in the keychain only when asked to remember', async () => {
    const keychain = fakeKeychain();
    const carrier = await createKeychainSessionCarrier(keychain);
    expect(carrier.read()).toBeUndefined();

    await carrier.store('mds_remembered', { remember: true, expiresAt });
    expect(carrier.read()).toBe('mds_remembered');
    expect(keychain.entries.get(SESSION_TOKEN_ACCOUNT)).toBe('mds_remembered');

    // Signing in again without "remember me" must not leave the older remembered token behind.
    await carrier.store('mds_this_run_only', { remember: false, expiresAt });
    expect(carrier.read()).toBe('mds_this_run_only');
    expect(keychain.entries.has(SESSION_TOKEN_ACCOUNT)).toBe(false);
  });

  it('clear() forgets the token in memory and in the keychain', async () => {
    const keychain = fakeKeychain();
    const carrier = await createKeychainSessionCarrier(keychain);
    await carrier.store('mds_token', { remember: true, expiresAt });
    await carrier.clear();
    expect(carrier.read()).toBeUndefined();
    expect(keychain.entries.size).toBe(0);
  });

  it('a fresh carrier (the next launch) reads the remembered token from the keychain', async () => {
    const keychain = fakeKeychain();
    const first = await createKeychainSessionCarrier(keychain);
    await first.store('mds_across_launches', { remember: true, expiresAt });
    expect((await createKeychainSessionCarrier(keychain)).read()).toBe('mds_across_launches');

    await first.store('mds_not_remembered', { remember: false, expiresAt });
    expect((await createKeychainSessionCarrier(keychain)).read()).toBeUndefined();
  });

  it('without a keychain the session still works for this run, with a warning that names no secret', async () => {
    const warnings: string[] = [];
    const carrier = await createKeychainSessionCarrier(unavailableKeychain('no Secret Service'), (m) => warnings.push(m));
    await carrier.store('mds_secret_value', { remember: true, expiresAt });
    expect(carrier.read()).toBe('mds_secret_value');
    expect(warnings.join('\n')).toMatch(/Could not remember the session in the OS keychain: The OS keychain is not available \(no Secret Service\)/);
    expect(warnings.join('\n')).not.toContain('mds_secret_value');
  });

  it('keychain writes land in call order', async () => {
    const keychain = fakeKeychain();
    const slowSet = keychain.set;
    keychain.set = async (account, secret) => {
      await new Promise((r) => setTimeout(r, 20));
      await slowSet(account, secret);
    };
    const carrier = await createKeychainSessionCarrier(keychain);
    void carrier.store('mds_signed_in', { remember: true, expiresAt });
    void carrier.clear();
    await carrier.settled();
    expect(keychain.entries.size).toBe(0);
  });
});

describe('tRPC over the IPC channel (trpc-electron main handler ↔ ipcLink)', () => {
  const APP_PAGE = 'file:///opt/Meterdesk/resources/app.asar/out/renderer/index.html';
  const { ipcMain } = installFakeElectron();
  let dataDir: string;
  let mdApp: MeterdeskApp;
  let keychain: ReturnType<typeof fakeKeychain>;
  let carrier: KeychainSessionCarrier;
  /** Every message the main process sent back to any renderer, as the renderer received it. */
  const replies: unknown[] = [];
  /** Reasons the validating gate gave for messages it dropped before trpc-electron saw them. */
  const dropped: string[] = [];
  let nextSenderId = 1;
  /** Frames the main process lent its file dialogs to, and what the Open dialog answers next. */
  const filesLentTo: unknown[] = [];
  let dialogAnswer: string | undefined;

  /** A renderer frame with the preload's `electronTRPC` bridge, talking to ipcMain. */
  async function connectRenderer(frameUrl: string): Promise<TRPCClient<AppRouter>> {
    const { desktopLinks } = await import('../../renderer/src/links');
    const listeners: Array<(message: unknown) => void> = [];
    const id = nextSenderId++;
    const event = {
      sender: { id, isDestroyed: () => false },
      senderFrame: { routingId: 1, url: frameUrl },
      reply: (_channel: string, message: unknown) => {
        const received = structuredClone(message);
        replies.push(received);
        for (const listener of listeners) listener(received);
      },
    };
    const bridge = {
      sendMessage: (message: unknown) => ipcMain.emit('trpc-electron', event, structuredClone(message)),
      onMessage: (listener: (message: unknown) => void) => void listeners.push(listener),
    };
    const globals = globalThis as { electronTRPC?: unknown };
    globals.electronTRPC = bridge; // what exposeElectronTRPC() puts in the renderer's main world
    try {
      return createTRPCClient<AppRouter>({ links: desktopLinks() });
    } finally {
      delete globals.electronTRPC;
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-ipc-'));
    keychain = fakeKeychain();
    mdApp = await createApp({ dataDir, databaseUrl: null, keychain });
    carrier = await createKeychainSessionCarrier(keychain);
    const { attachDesktopIpc } = await import('../../electron/desktop-ipc');
    attachDesktopIpc({
      mdApp,
      carrier,
      windows: [],
      userAgent: 'Meterdesk test desktop',
      isTrustedSender: (event: IpcMainInvokeEvent) => event.senderFrame?.url === APP_PAGE,
      ipcMain: ipcMain as never,
      onDropped: (reason) => dropped.push(reason),
      // The system dialogs, as plain objects: Open answers whatever the test put in dialogAnswer.
      filesFor: (event: IpcMainInvokeEvent) => {
        filesLentTo.push(event.senderFrame?.url);
        return createDesktopFiles({
          dialog: {
            showSaveDialog: async () => ({ canceled: true }),
            showOpenDialog: async () => (dialogAnswer ? { canceled: false, filePaths: [dialogAnswer] } : { canceled: true, filePaths: [] }),
          },
          window: {},
          defaultFolder: dataDir,
          protectedFolders: [dataDir],
          launchPacks: createLaunchPacks(),
        });
      },
    });
  });

  afterAll(async () => {
    await mdApp?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers setup.status', async () => {
    const renderer = await connectRenderer(APP_PAGE);
    expect(await renderer.setup.status.query()).toEqual({ needsSetup: true, database: 'pglite' });
  });

  it('signs up over IPC: the token stays in the main process, the renderer only learns it worked', async () => {
    const renderer = await connectRenderer(APP_PAGE);
    const result = await renderer.auth.signUp.mutate({
      name: 'Dana Desk',
      email: 'dana@desk.test',
      password: 'desktop-pass-42',
      organizationName: 'Desk Co',
      remember: true,
    });
    expect(result).toEqual({ ok: true });

    const token = carrier.read();
    expect(token).toMatch(/^mds_/);
    expect(keychain.entries.get(SESSION_TOKEN_ACCOUNT)).toBe(token);
    expect(JSON.stringify(replies)).not.toContain(token!);

    const me = await renderer.auth.me.query();
    expect(me?.user.email).toBe('dana@desk.test');
    expect(me?.activeOrganization).toMatchObject({ name: 'Desk Co', role: 'owner' });
    expect(JSON.stringify(replies)).not.toContain(token!);

    // The next launch finds the remembered session.
    const nextLaunch = await createKeychainSessionCarrier(keychain);
    const api = await mdApp.createCaller(nextLaunch, { transport: 'desktop' });
    expect((await api.auth.me())?.user.email).toBe('dana@desk.test');
  });

  it('reports errors with their messages and field errors', async () => {
    const renderer = await connectRenderer(APP_PAGE);
    type ErrorData = { code?: string; fieldErrors?: Record<string, string[]> };
    const error = await renderer.auth.signUp
      .mutate({ name: 'Dup', email: 'DANA@desk.test', password: 'desktop-pass-42', organizationName: 'Other Co', remember: false })
      .then(
        () => null,
        (e: { message: string; data?: ErrorData; cause?: { data?: ErrorData } }) => e,
      );
    expect(error?.message).toMatch(/already exists/);
    // The console's desktop links rebuild a real TRPCClientError (trpc-electron's own copy would hide data).
    const data = error?.data;
    expect(data?.code).toBe('CONFLICT');
    expect(data?.fieldErrors?.email?.[0]).toMatch(/already exists/);
  });

  it('serves a frame that is not the app page without the session', async () => {
    const foreign = await connectRenderer('https://evil.example/');
    expect(await foreign.auth.me.query()).toBeNull();
    expect(carrier.read()).toMatch(/^mds_/);
  });

  it('lends the system file dialogs to the app page only; hostile input and hostile dialog answers are refused', async () => {
    const renderer = await connectRenderer(APP_PAGE);
    filesLentTo.length = 0;
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { data?: { code?: string }; message: string }) => `${e.data?.code}: ${e.message}`);
    expect(await renderer.exports.openPackFromDisk.mutate({ source: 'dialog' })).toEqual({ opened: false });
    dialogAnswer = '/etc/passwd';
    expect(await codeOf(renderer.exports.openPackFromDisk.mutate({ source: 'dialog' }))).toMatch(/^BAD_REQUEST: .*only export packs/);
    dialogAnswer = `${dataDir}/../../etc/x.mdpack`;
    expect(await codeOf(renderer.exports.openPackFromDisk.mutate({ source: 'dialog' }))).toMatch(/^BAD_REQUEST: .*climbs out/);
    // Wrong types and made-up sources never reach a dialog.
    expect(await codeOf(renderer.exports.openPackFromDisk.mutate({ source: '/etc/passwd' } as never))).toMatch(/^BAD_REQUEST/);
    expect(await codeOf(renderer.exports.openPackFromDisk.mutate({ source: ['dialog'] } as never))).toMatch(/^BAD_REQUEST/);
    expect(await codeOf(renderer.exports.saveCopy.mutate({ runId: '../../../etc/passwd' } as never))).toMatch(/^BAD_REQUEST/);
    expect(filesLentTo.every((url) => url === APP_PAGE)).toBe(true);
    // Another frame gets no dialogs at all.
    const foreign = await connectRenderer('https://evil.example/');
    expect(await codeOf(foreign.exports.openPackFromDisk.mutate({ source: 'dialog' }))).toMatch(/^PRECONDITION_FAILED/);
    expect(filesLentTo).not.toContain('https://evil.example/');
    dialogAnswer = undefined;
  });

  it('drops every malformed or oversized message before the tRPC handler sees it, and keeps serving', async () => {
    const event = { sender: { id: 999, isDestroyed: () => false }, senderFrame: { routingId: 1, url: APP_PAGE }, reply: (_c: string, m: unknown) => replies.push(m) };
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 20_000; i++) cursor = cursor.next = {};
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const hostile: unknown[] = [
      undefined,
      null,
      'request',
      42,
      [],
      {},
      { method: 'request' },
      { method: 'request', operation: { id: 1, type: 'query', path: 'setup.status', extra: 1 }, junk: true },
      { method: 'request', operation: { id: 1, type: 'drop-table', path: 'setup.status' } },
      { method: 'request', operation: { id: 1, type: 'query', path: '__proto__.constructor' } },
      { method: 'request', operation: { id: 1, type: 'query', path: 'setup.status\u0000' } },
      { method: 'request', operation: { id: -1, type: 'query', path: 'setup.status' } },
      { method: 'request', operation: { id: 'x'.repeat(100), type: 'query', path: 'setup.status' } },
      { method: 'request', operation: { id: 2, type: 'mutation', path: 'auth.signIn', input: { json: { email: 'a'.repeat(2 * 1024 * 1024) } } } },
      { method: 'request', operation: { id: 3, type: 'query', path: 'setup.status', input: deep } },
      { method: 'request', operation: { id: 4, type: 'query', path: 'setup.status', input: cyclic } },
      { method: 'subscription.stop' },
      { method: 'eval', code: 'process.exit()' },
    ];
    const repliesBefore = replies.length;
    const droppedBefore = dropped.length;
    for (const message of hostile) ipcMain.emit('trpc-electron', event, message);
    ipcMain.emit('trpc-electron', event, { method: 'request', operation: { id: 5, type: 'query', path: 'setup.status' } }, 'extra');
    expect(dropped.length - droppedBefore).toBe(hostile.length + 1);
    expect(dropped.slice(droppedBefore).join('\n')).not.toContain('aaaa');
    expect(replies.length).toBe(repliesBefore);
    // The channel still serves well-formed requests.
    const renderer = await connectRenderer(APP_PAGE);
    expect(await renderer.setup.status.query()).toMatchObject({ database: 'pglite' });
  });

  it('signs out over IPC: the token is forgotten in memory and in the keychain', async () => {
    const renderer = await connectRenderer(APP_PAGE);
    expect(await renderer.auth.signOut.mutate()).toEqual({ ok: true });
    expect(carrier.read()).toBeUndefined();
    expect(keychain.entries.has(SESSION_TOKEN_ACCOUNT)).toBe(false);
    expect(await renderer.auth.me.query()).toBeNull();
  });
});
