// The application menu's template: the main screens with their keyboard shortcuts (one list with the
// console's shortcut screen: renderer/src/lib/shortcuts.ts), mute, About and "Check for updates".
// A pure function of what it is given (type-only Electron import), so tests build and click it.
import type { MenuItemConstructorOptions } from 'electron';
import { accelerator, SCREEN_SHORTCUTS, SHORTCUT_LIST } from '../renderer/src/lib/shortcuts';

export interface MenuActions {
  isMac: boolean;
  isPackaged: boolean;
  muted: boolean;
  openRoute(route: string): void;
  toggleMute(muted: boolean): void;
  showAbout(): void;
  checkForUpdates(): void;
}

export function buildMenuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const about: MenuItemConstructorOptions = { label: 'About Meterdesk', click: () => actions.showAbout() };
  const updates: MenuItemConstructorOptions = { label: 'Check for Updates…', click: () => actions.checkForUpdates() };
  const mute: MenuItemConstructorOptions = {
    label: 'Mute Desktop Notifications',
    type: 'checkbox',
    checked: actions.muted,
    accelerator: 'CmdOrCtrl+Shift+M',
    click: (item) => actions.toggleMute(item.checked),
  };
  return [
    ...(actions.isMac
      ? [{ label: 'Meterdesk', submenu: [about, updates, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } as MenuItemConstructorOptions]
      : []),
    { label: 'File', submenu: [mute, { type: 'separator' }, actions.isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'Go',
      submenu: SCREEN_SHORTCUTS.map((s) => ({ label: s.label, accelerator: accelerator(s), click: () => actions.openRoute(s.route) })),
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        ...(actions.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: SHORTCUT_LIST.label, accelerator: accelerator(SHORTCUT_LIST), click: () => actions.openRoute(SHORTCUT_LIST.route) },
        ...(actions.isMac ? [] : [{ type: 'separator' } as MenuItemConstructorOptions, updates, about]),
      ],
    },
  ];
}

export interface AboutFacts {
  version: string;
  database: { kind: 'pglite' | 'postgres'; where: string };
  electron?: string;
  chrome?: string;
  node?: string;
}

/** About's text: the version and the database in use (never a password). */
export function aboutDetail(facts: AboutFacts): string {
  const database = facts.database.kind === 'postgres' ? `Shared PostgreSQL — ${facts.database.where}` : `Embedded PGlite — ${facts.database.where}`;
  return [`Version ${facts.version}`, `Database: ${database}`, ...(facts.electron ? [`Electron ${facts.electron}, Chromium ${facts.chrome}, Node ${facts.node}`] : [])].join('\n');
}
