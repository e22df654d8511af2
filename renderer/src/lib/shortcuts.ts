// Keyboard shortcuts for the main screens: one list, read by the desktop's application menu
// (electron/app-menu.ts, as accelerators) and by the console (the shortcut list, and the same keys
// in browser mode where the browser leaves them to the page). Pure data, no React.
export interface ScreenShortcut {
  route: string;
  label: string;
  /** With Ctrl (Cmd on macOS). */
  key: string;
}

export const SCREEN_SHORTCUTS: readonly ScreenShortcut[] = [
  { route: 'dashboard', label: 'Dashboard', key: '1' },
  { route: 'members', label: 'Members', key: '2' },
  { route: 'teams', label: 'Teams', key: '3' },
  { route: 'usage', label: 'Usage', key: '4' },
  { route: 'billing', label: 'Billing', key: '5' },
  { route: 'contacts', label: 'Contacts', key: '6' },
  { route: 'campaigns', label: 'Campaigns', key: '7' },
  { route: 'webhooks', label: 'Alerts & webhooks', key: '8' },
  { route: 'settings', label: 'Settings', key: '9' },
];

/** The shortcut list itself (#/shortcuts). */
export const SHORTCUT_LIST: ScreenShortcut = { route: 'shortcuts', label: 'Keyboard shortcuts', key: '/' };

/** Desktop-only menu shortcuts, listed for completeness. */
export const OTHER_SHORTCUTS: readonly { keys: string; label: string }[] = [
  { keys: 'CmdOrCtrl+Shift+M', label: 'Mute or unmute desktop notifications (desktop app)' },
  { keys: 'CmdOrCtrl+R', label: 'Reload the console' },
  { keys: 'CmdOrCtrl+Plus / CmdOrCtrl+- / CmdOrCtrl+0', label: 'Zoom in, out, reset' },
  { keys: 'CmdOrCtrl+Q', label: 'Quit (desktop app)' },
];

/** An Electron accelerator for a screen shortcut. */
export function accelerator(shortcut: ScreenShortcut): string {
  return `CmdOrCtrl+${shortcut.key}`;
}

/** How a shortcut reads to a person on this platform: "Ctrl+1", or "⌘1" on macOS. */
export function displayKeys(keys: string, mac: boolean): string {
  return mac ? keys.replaceAll('CmdOrCtrl+', '⌘').replaceAll('Shift+', '⇧') : keys.replaceAll('CmdOrCtrl', 'Ctrl');
}
