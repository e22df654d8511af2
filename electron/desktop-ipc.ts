// Serves the tRPC router to the app's windows over Electron IPC (trpc-electron). Every request gets
// the server's own context, built with the desktop session carrier.
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { createIPCHandler } from 'trpc-electron/main';
import type { MeterdeskApp } from '../server/app';
import type { SessionCarrier } from '../server/auth/session-carrier';

export interface DesktopIpcOptions {
  mdApp: Pick<MeterdeskApp, 'router' | 'createContext'>;
  carrier: SessionCarrier;
  windows: BrowserWindow[];
  /** Describes the client in the sessions list, e.g. "Meterdesk 0.1.0 desktop (linux)". */
  userAgent: string;
  /**
   * Whether a message comes from the app's own page in one of its windows. Anything else (which the
   * window's navigation rules should make impossible) is served without the session.
   */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
}

/** A carrier for untrusted senders: no session to read, nothing kept. */
const noSession: SessionCarrier = { read: () => undefined, store: () => {}, clear: () => {} };

export function attachDesktopIpc(options: DesktopIpcOptions) {
  const { mdApp, carrier, userAgent, isTrustedSender } = options;
  return createIPCHandler({
    router: mdApp.router,
    windows: options.windows,
    // trpc-electron calls this outside its error handling: it must not throw.
    createContext: async ({ event }) => {
      const trusted = safely(() => isTrustedSender(event));
      return mdApp.createContext(trusted ? carrier : noSession, { transport: 'desktop', userAgent });
    },
  });
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
