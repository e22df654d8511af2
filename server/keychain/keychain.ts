// Secrets (remembered session tokens, the shared database URL, provider keys) live only in the OS
// keychain through keytar: Keychain on macOS, Credential Vault on Windows, Secret Service on Linux.
export interface Keychain {
  readonly available: boolean;
  /** Why the keychain cannot be used, when it cannot. */
  readonly unavailableReason?: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

export class KeychainUnavailableError extends Error {
  constructor(reason: string) {
    super(`The OS keychain is not available (${reason}). Meterdesk keeps secrets only there.`);
    this.name = 'KeychainUnavailableError';
  }
}

export const KEYCHAIN_SERVICE = process.env.MD_KEYCHAIN_SERVICE ?? 'Meterdesk';

export async function openKeychain(service = KEYCHAIN_SERVICE): Promise<Keychain> {
  let keytar: typeof import('keytar');
  try {
    keytar = ((await import('keytar')) as { default?: typeof import('keytar') }).default ?? (await import('keytar'));
    // A probe read: fails fast when no Secret Service/D-Bus is running.
    await keytar.findCredentials(service);
  } catch (error) {
    return unavailableKeychain((error as Error).message.split('\n')[0] ?? 'keytar failed to load');
  }
  return {
    available: true,
    get: async (account) => (await keytar.getPassword(service, account)) ?? undefined,
    set: (account, secret) => keytar.setPassword(service, account, secret),
    delete: async (account) => {
      await keytar.deletePassword(service, account);
    },
  };
}

export function unavailableKeychain(reason: string): Keychain {
  return {
    available: false,
    unavailableReason: reason,
    get: async () => undefined,
    set: async () => {
      throw new KeychainUnavailableError(reason);
    },
    delete: async () => {},
  };
}
