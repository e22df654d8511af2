// The desktop app's SessionCarrier: the session token lives in main-process memory, and in the OS
// keychain when the person asked to be remembered. The renderer never sees it: tRPC procedures
// store it here and answer the renderer with { ok: true } only.
import type { SessionCarrier } from '../server/auth/session-carrier';
import type { Keychain } from '../server/keychain/keychain';

/** Keychain account under the app's keychain service. */
export const SESSION_TOKEN_ACCOUNT = 'session-token';

export interface KeychainSessionCarrier extends SessionCarrier {
  /** Resolves when every keychain write queued so far has finished (for orderly shutdown and tests). */
  settled(): Promise<void>;
}

type Warn = (message: string) => void;

/** Reads any remembered token from the keychain, then carries the session for the process's lifetime. */
export async function createKeychainSessionCarrier(keychain: Keychain, warn: Warn = console.warn): Promise<KeychainSessionCarrier> {
  let token: string | undefined;
  try {
    token = (await keychain.get(SESSION_TOKEN_ACCOUNT)) || undefined;
  } catch (error) {
    warn(`Could not read the remembered session from the OS keychain: ${firstLine(error)}`);
  }

  // Keychain writes run one after another, so a quick sign-in → sign-out ends with nothing saved.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (what: string, write: () => Promise<void>) => {
    queue = queue.then(write).catch((error: unknown) => warn(`Could not ${what} in the OS keychain: ${firstLine(error)}`));
    return queue;
  };

  return {
    read: () => token,
    store(next, { remember }) {
      token = next;
      // Without a keychain the session still works for this run; it just is not remembered.
      return remember
        ? enqueue('remember the session', () => keychain.set(SESSION_TOKEN_ACCOUNT, next))
        : enqueue('forget the remembered session', () => keychain.delete(SESSION_TOKEN_ACCOUNT));
    },
    clear() {
      token = undefined;
      return enqueue('forget the remembered session', () => keychain.delete(SESSION_TOKEN_ACCOUNT));
    },
    settled: () => queue,
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
