// Electron main process: one window, locked down, serving the console's tRPC router over IPC.
// Everything the console does lives in server/; this file only wires it to Electron.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, nativeTheme, Notification, screen, session, shell, Tray } from 'electron';
import { createApp, type MeterdeskApp } from '../server/app';
import { DatabaseOpenError } from '../server/db/open-database';
import { openKeychain } from '../server/keychain/keychain';
import { describeDeepLink, DEEP_LINK_SCHEME, findDeepLinkInArgv, parseDeepLink, resolveDeepLink, type DeepLinkAction } from './deep-link';
import { attachDesktopIpc } from './desktop-ipc';
import { createDesktopFiles, createLaunchPacks } from './desktop-file-dialogs';
import { findPackInArgv, checkPackPath, type PathCheck } from './file-paths';
import { createKeychainSessionCarrier, type KeychainSessionCarrier } from './keychain-session-carrier';
import { aboutDetail, buildMenuTemplate } from './app-menu';
import { createDesktopNotifier } from './desktop-notifier';
import { loadPreferences, savePreferences, type DesktopPreferences } from './preferences';
import { updateFeed } from './updates';
import { loadWindowState, MIN_SIZE, recordPlacement, restorePlacement, saveWindowState, type WindowState } from './window-state';
import { redactUrl } from '../server/db/open-database';
import { contentSecurityPolicy, isAppResource, isAppUrl, navigationDecision, permissionRequestDecision, secureWebPreferences, windowOpenDecision, type RendererSource } from './security';

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const preloadPath = join(here, '..', 'preload', 'preload.cjs');
const renderer: RendererSource =
  !app.isPackaged && process.env.ELECTRON_RENDERER_URL
    ? { kind: 'dev-server', url: process.env.ELECTRON_RENDERER_URL }
    : { kind: 'file', url: pathToFileURL(join(here, '..', 'renderer', 'index.html')).href };

let mainWindow: BrowserWindow | undefined;
let mdApp: MeterdeskApp | undefined;
let ipc: ReturnType<typeof attachDesktopIpc> | undefined;

// ---------------------------------------------------------------------------------------------
// Deep links (meterdesk://…): parsed and validated in full (electron/deep-link.ts) before anything
// acts on them; a refused link gets a message. A valid one waits here until the window can show it.
let pendingDeepLink: DeepLinkAction | undefined;

/** Receives every meterdesk:// link (macOS open-url, Windows/Linux argv). */
export function handleDeepLink(raw: string): void {
  const resolved = resolveDeepLink(raw);
  const url = parseDeepLink(raw);
  if (!resolved.ok) {
    console.warn(`Deep link refused${url ? ` (${describeDeepLink(url)})` : ''}: ${resolved.message}`);
    void app.whenReady().then(() => dialog.showMessageBox({ type: 'warning', title: 'Meterdesk', message: 'This link cannot be opened', detail: resolved.message }));
    showMainWindow();
    return;
  }
  pendingDeepLink = resolved.action;
  console.log(`Deep link received: ${url ? describeDeepLink(url) : resolved.action.kind}`);
  showMainWindow();
  deliverPendingDeepLink();
}

/** Returns the last deep link not yet consumed, and forgets it. */
export function takePendingDeepLink(): DeepLinkAction | undefined {
  const link = pendingDeepLink;
  pendingDeepLink = undefined;
  return link;
}

/** Shows a waiting deep link's screen once the console has loaded (a hash change: no reload, no lost input). */
function deliverPendingDeepLink(): void {
  const win = mainWindow;
  if (!win || win.isDestroyed() || win.webContents.isLoading() || !consoleLoaded) return;
  const action = takePendingDeepLink();
  if (action) openRoute(action.route);
}

/** The console's own page at a route; the route comes from a validated link or the app's own menus. */
function openRoute(route: string): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  const target = new URL(renderer.url);
  target.hash = `/${route}`;
  void win.loadURL(target.href);
  showMainWindow();
}
let consoleLoaded = false;

// ---------------------------------------------------------------------------------------------
// .mdpack file association: a pack the app is opened with (argv on Windows/Linux, open-file on
// macOS, a second launch's argv) is validated, kept until the console asks for it, and its screen
// shown ("Open export pack" verifies it there). Anything else is refused with a message.
const launchPacks = createLaunchPacks();
/** In development (`electron <folder>`) the app's folder is on the command line too. */
const withAppFolder = () => process.defaultApp === true;
function handlePackFile(check: PathCheck): void {
  if (!check.ok) {
    console.warn(`Pack refused: ${check.message}`);
    void app.whenReady().then(() => dialog.showMessageBox({ type: 'warning', title: 'Meterdesk', message: 'This file cannot be opened', detail: check.message }));
    showMainWindow();
    return;
  }
  launchPacks.offer(check.path);
  pendingDeepLink = { kind: 'open-screen', route: 'exports?open=launch' };
  showMainWindow();
  deliverPendingDeepLink();
}

// DATA_DIR (tests, portable setups) moves the whole profile, Chromium's storage and the single-instance
// lock included, so a test run never meets the person's own Meterdesk.
if (process.env.DATA_DIR) app.setPath('userData', resolve(process.env.DATA_DIR));

// ---------------------------------------------------------------------------------------------
// One instance: a second launch (e.g. a clicked link on Windows/Linux) hands its argv to this one.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const link = findDeepLinkInArgv(argv);
    const pack = link ? undefined : findPackInArgv(argv, { withAppFolder: withAppFolder(), cwd: workingDirectory });
    if (link) handleDeepLink(link);
    else if (pack) handlePackFile(pack);
    else showMainWindow();
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    handlePackFile(checkPackPath(path));
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleDeepLink(url);
  });
  const launchLink = findDeepLinkInArgv(process.argv);
  if (launchLink) handleDeepLink(launchLink);
  const launchPack = launchLink ? undefined : findPackInArgv(process.argv, { withAppFolder: withAppFolder(), cwd: process.cwd() });
  if (launchPack) handlePackFile(launchPack);

  app.enableSandbox();
  app.whenReady().then(start).catch(fail);
}

process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection in the main process:', reason instanceof Error ? reason.message : reason);
});

let dataDir = '';
let preferences: DesktopPreferences = { muteNotifications: false };
let carrier: KeychainSessionCarrier | undefined;
let tray: Tray | undefined;

async function start(): Promise<void> {
  registerProtocolClient();
  lockDownSession();
  dataDir = app.getPath('userData');
  preferences = loadPreferences(dataDir);
  refreshMenu();

  const keychain = await openKeychain();
  if (!keychain.available) console.warn(`OS keychain unavailable (${keychain.unavailableReason}): sessions will not be remembered.`);
  try {
    // Provider secrets come from the OS keychain only on the desktop: STRIPE_* and SNS_* variables
    // are a server-mode convenience and must not silently override what Settings → Connections shows.
    mdApp = await createApp({ dataDir, keychain, env: {} });
  } catch (error) {
    return fail(error);
  }
  // Every console helps release reservations whose time ran out (safe to run from many at once).
  mdApp.startBackgroundJobs();
  carrier = await createKeychainSessionCarrier(keychain);
  const win = createMainWindow();
  ipc = attachDesktopIpc({
    mdApp,
    carrier,
    windows: [win],
    userAgent: `Meterdesk ${app.getVersion()} desktop (${process.platform})`,
    isTrustedSender: (event) => BrowserWindow.fromWebContents(event.sender) !== null && isAppUrl(event.senderFrame?.url, renderer),
    // Save/Open for exports through the system dialogs, parented to the asking window; never into the data folder.
    filesFor: (event) => {
      const window = BrowserWindow.fromWebContents(event.sender);
      return window ? createDesktopFiles({ dialog, window, defaultFolder: app.getPath('documents'), protectedFolders: [dataDir], launchPacks }) : undefined;
    },
    ipcMain,
  });
  startTrayAndNotifications();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) ipc?.attachWindow(createMainWindow());
    else showMainWindow();
  });
}

function displays() {
  return { all: screen.getAllDisplays(), primary: screen.getPrimaryDisplay() };
}

function createMainWindow(): BrowserWindow {
  let windowState: WindowState = loadWindowState(dataDir);
  const { all, primary } = displays();
  const placement = restorePlacement(windowState, all, primary);
  const win = new BrowserWindow({
    title: 'Meterdesk',
    x: placement.x,
    y: placement.y,
    width: placement.width,
    height: placement.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    // The console's canvas (renderer/src/styles.css: Mantine gray-0 / dark-8), so nothing flashes
    // before it paints; the console follows the system colour scheme by default.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1f1f1f' : '#f8f9fa',
    autoHideMenuBar: false,
    webPreferences: secureWebPreferences(preloadPath),
  });
  mainWindow = win;
  if (placement.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  // Position and size per display, saved when the person stops moving or resizing the window.
  let saveTimer: NodeJS.Timeout | undefined;
  const remember = () => {
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
    const now = displays();
    windowState = recordPlacement(windowState, win.getNormalBounds(), win.isMaximized(), now.all, now.primary);
    saveWindowState(dataDir, windowState);
  };
  const rememberSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(remember, 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event as 'resize', rememberSoon);
  win.on('close', () => {
    clearTimeout(saveTimer);
    remember();
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });

  const contents = win.webContents;
  // Navigation stays on the app's own page; links elsewhere open in the system browser.
  contents.on('will-navigate', (event, url) => {
    const decision = navigationDecision(url, renderer);
    if (decision.allow) return;
    event.preventDefault();
    if (decision.openExternally) void shell.openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, renderer)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
  // A deep link that arrived before the console finished loading is shown now.
  contents.on('did-finish-load', () => {
    consoleLoaded = true;
    deliverPendingDeepLink();
  });

  void win.loadURL(renderer.url);
  return win;
}

/** CSP on every app response, and no permission (camera, notifications, geolocation…) for anyone. */
function lockDownSession(): void {
  const csp = contentSecurityPolicy(renderer);
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppResource(details.url, renderer)) return callback({});
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(permissionRequestDecision(permission, details.requestingUrl)));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionRequestDecision(permission, requestingOrigin));
}

function registerProtocolClient(): void {
  // Packaged builds own meterdesk://. A dev build registers only when asked, so it does not take the
  // scheme over from an installed Meterdesk.
  if (app.isPackaged) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  } else if (process.env.MD_REGISTER_PROTOCOL === '1' && process.argv[1]) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])]);
  }
}

function refreshMenu(): void {
  const template = buildMenuTemplate({
    isMac: process.platform === 'darwin',
    isPackaged: app.isPackaged,
    muted: preferences.muteNotifications,
    openRoute,
    toggleMute: setMuted,
    showAbout: () => void showAbout(),
    checkForUpdates: () => void checkForUpdates(true),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  refreshTrayMenu();
}

function setMuted(muted: boolean): void {
  preferences = { ...preferences, muteNotifications: muted };
  try {
    savePreferences(dataDir, preferences);
  } catch (error) {
    console.warn(`Could not save the mute setting: ${(error as Error).message}`);
  }
  refreshMenu();
}

/** About: the version and the database in use (the URL without its password). */
async function showAbout(): Promise<void> {
  const kind = mdApp?.services.db.kind ?? 'pglite';
  const url = process.env.DATABASE_URL || (await mdApp?.services.settings.savedDatabaseUrl().catch(() => undefined));
  const detail = aboutDetail({
    version: app.getVersion(),
    database: { kind, where: kind === 'postgres' && url ? redactUrl(url) : join(dataDir, 'pglite') },
    electron: process.versions.electron,
    chrome: process.versions.chrome,
    node: process.versions.node,
  });
  await dialog.showMessageBox({ type: 'info', title: 'About Meterdesk', message: 'Meterdesk', detail, buttons: ['OK'] });
}

// ---------------------------------------------------------------------------------------------
// Auto-update: off unless a feed is configured (electron/updates.ts); "Check for Updates…" says which.
let updaterReady: Promise<typeof import('electron-updater').autoUpdater | null> | undefined;
function updater() {
  updaterReady ??= (async () => {
    const feed = updateFeed(process.env, process.resourcesPath, app.isPackaged);
    if (!feed.enabled) return null;
    const { autoUpdater } = await import('electron-updater');
    if (feed.url) autoUpdater.setFeedURL({ provider: 'generic', url: feed.url });
    autoUpdater.autoDownload = true;
    return autoUpdater;
  })();
  return updaterReady;
}

async function checkForUpdates(interactive: boolean): Promise<void> {
  const feed = updateFeed(process.env, process.resourcesPath, app.isPackaged);
  const autoUpdater = await updater();
  if (!autoUpdater) {
    if (interactive) await dialog.showMessageBox({ type: 'info', title: 'Updates', message: 'Updates are off', detail: `${feed.enabled ? '' : feed.reason}. Set MD_UPDATE_FEED_URL or build with a publish provider (README → Installers).` });
    return;
  }
  try {
    const result = await autoUpdater.checkForUpdates();
    const next = result?.updateInfo.version;
    if (interactive) {
      await dialog.showMessageBox({
        type: 'info',
        title: 'Updates',
        message: next && next !== app.getVersion() ? `Meterdesk ${next} is downloading; it installs when you quit.` : `Meterdesk ${app.getVersion()} is up to date.`,
      });
    }
  } catch (error) {
    console.warn(`Update check failed: ${(error as Error).message}`);
    if (interactive) await dialog.showMessageBox({ type: 'warning', title: 'Updates', message: 'Could not check for updates', detail: (error as Error).message });
  }
}

// ---------------------------------------------------------------------------------------------
// Tray (unread alert count) and native notifications, polled from the notification centre.
function trayIcon() {
  const base = app.isPackaged ? join(process.resourcesPath, 'icons') : join(here, '..', '..', 'resources', 'icons');
  const file = join(base, process.platform === 'darwin' ? '16x16.png' : '32x32.png');
  return existsSync(file) ? nativeImage.createFromPath(file) : nativeImage.createEmpty();
}

let unreadCount = 0;
// Read by the Playwright _electron tests through app.evaluate (main process only; the page cannot reach it).
(globalThis as { meterdeskDesktopState?: () => unknown }).meterdeskDesktopState = () => ({ unreadCount, muted: preferences.muteNotifications, tray: !!tray });
function refreshTrayMenu(): void {
  if (!tray) return;
  tray.setToolTip(unreadCount > 0 ? `Meterdesk — ${unreadCount} unread alert${unreadCount === 1 ? '' : 's'}` : 'Meterdesk');
  if (process.platform === 'darwin') tray.setTitle(unreadCount > 0 ? String(unreadCount) : '');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: unreadCount > 0 ? `${unreadCount} unread` : 'No unread alerts', enabled: false },
      { label: 'Open Meterdesk', click: () => showMainWindow() },
      { label: 'Notifications', click: () => openRoute('dashboard') },
      { type: 'checkbox', label: 'Mute Desktop Notifications', checked: preferences.muteNotifications, click: (item) => setMuted(item.checked) },
      { type: 'separator' },
      { role: 'quit' },
    ]),
  );
}

function startTrayAndNotifications(): void {
  try {
    tray = new Tray(trayIcon());
    tray.on('click', () => showMainWindow());
  } catch (error) {
    console.warn(`No tray on this desktop: ${(error as Error).message}`);
  }
  refreshTrayMenu();
  const notifier = createDesktopNotifier({
    caller: async () => mdApp!.createCaller(carrier!, { transport: 'desktop', userAgent: `Meterdesk ${app.getVersion()} desktop (${process.platform})` }) as never,
    setUnreadCount: (count) => {
      if (count === unreadCount) return;
      unreadCount = count;
      app.setBadgeCount(count);
      refreshTrayMenu();
    },
    isMuted: () => preferences.muteNotifications,
    show: (notice) => {
      if (!Notification.isSupported()) return;
      const native = new Notification({ title: notice.title, body: notice.body, icon: trayIcon() });
      native.on('click', () => openRoute(notice.route));
      native.show();
    },
  });
  let polling = false;
  const poll = () => {
    if (polling || !mdApp) return;
    polling = true;
    notifier
      .poll()
      .catch((error: unknown) => console.warn(`Notification check failed: ${(error as Error).message}`))
      .finally(() => (polling = false));
  };
  poll();
  setInterval(poll, 20_000).unref();
  // A configured update feed is checked once per start, quietly; the menu item checks on demand.
  void checkForUpdates(false);
}

function showMainWindow(): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return; // start() will show it once the database is open
  if (win.isMinimized()) win.restore();
  if (win.isVisible()) win.focus();
  else win.once('ready-to-show', () => win.focus());
}

/** A start-up failure: say what is wrong in a dialog, then quit without a crash report. */
function fail(error: unknown): void {
  const message =
    error instanceof DatabaseOpenError
      ? error.message
      : `Meterdesk could not start: ${error instanceof Error ? error.message : String(error)}`;
  console.error(message);
  dialog.showErrorBox('Meterdesk cannot start', message);
  app.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Quit: close the database (PGlite flushes, the Postgres pool ends) before the process exits.
let closing = false;
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', (event) => {
  if (!mdApp || closing) return;
  closing = true;
  event.preventDefault();
  const closingApp = mdApp;
  mdApp = undefined;
  closingApp
    .close()
    .catch((error: unknown) => console.error('Closing the database failed:', error instanceof Error ? error.message : error))
    .finally(() => app.quit());
});
