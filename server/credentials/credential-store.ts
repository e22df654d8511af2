// One credential store for every provider (Stripe, SNS per organization, SMTP), on
// the OS keychain only. A connection is a named secret; its keychain account is
// `connection:<name>[:<organizationId>]`. Secrets never leave the main process: callers outside
// the provider wiring only see status() — whether each is set and its last four characters.
import { z } from 'zod';
import { AppError } from '../errors';
import type { Keychain } from '../keychain/keychain';

// Refuse control characters (a pasted newline, NUL) before the format check, with its own message.
const noControl = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label} is empty.`)
    .max(512, `${label} is too long.`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${label} contains control characters.`);

export const CONNECTIONS = {
  'stripe.secret_key': {
    label: 'Stripe secret key',
    envVar: 'STRIPE_SECRET_KEY',
    schema: noControl('The Stripe secret key').pipe(
      z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'The Stripe secret key must be a secret (sk_test_…, sk_live_…) or restricted (rk_test_…, rk_live_…) key.'),
    ),
  },
  'stripe.webhook_secret': {
    label: 'Stripe webhook signing secret',
    envVar: 'STRIPE_WEBHOOK_SECRET',
    schema: noControl('The Stripe webhook signing secret').pipe(z.string().regex(/^whsec_[A-Za-z0-9_]+$/, 'The Stripe webhook signing secret must start with whsec_.')),
  },
  // Outgoing email (invitations, alerts, password resets). The URL carries the SMTP password.
  'smtp.url': {
    label: 'SMTP server URL (email)',
    envVar: 'SMTP_URL',
    schema: noControl('The SMTP URL').pipe(
      z
        .string()
        .regex(/^smtps?:\/\/[^\s/?#]+(:\d{1,5})?\/?(\?[^\s#]*)?$/, 'The SMTP URL looks like smtp://user:password@mail.example.com:587 (or smtps:// for TLS on connect).'),
    ),
  },
  // SMS through AWS SNS, one key pair per organization (Settings → Channels → SMS, server/sms/).
  'sns.access_key_id': {
    label: 'AWS access key ID (SMS)',
    envVar: 'SNS_ACCESS_KEY_ID',
    scope: 'organization',
    schema: noControl('The AWS access key ID').pipe(z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{16}$/, 'The AWS access key ID is 20 characters starting with AKIA (e.g. AKIAIOSFODNN7EXAMPLE).')),
  },
  'sns.secret_access_key': {
    label: 'AWS secret access key (SMS)',
    envVar: 'SNS_SECRET_ACCESS_KEY',
    scope: 'organization',
    schema: noControl('The AWS secret access key').pipe(z.string().regex(/^[A-Za-z0-9/+=]{40}$/, 'The AWS secret access key is 40 characters (letters, digits, / and +).')),
  },
} as const satisfies Record<string, { label: string; envVar: string; scope?: 'organization'; schema: z.ZodType<string> }>;

export type ConnectionName = keyof typeof CONNECTIONS;
export const allConnectionNames = Object.keys(CONNECTIONS) as [ConnectionName, ...ConnectionName[]];
/** Connections of the whole installation (Settings → Connections); per-organization ones have their own screens. */
export const connectionNames = allConnectionNames.filter((n) => !('scope' in CONNECTIONS[n])) as [ConnectionName, ...ConnectionName[]];
export const organizationConnectionNames = allConnectionNames.filter((n) => 'scope' in CONNECTIONS[n]) as [ConnectionName, ...ConnectionName[]];
export const connectionNameSchema = z.enum(connectionNames);

export interface ConnectionStatus {
  name: ConnectionName;
  label: string;
  set: boolean;
  /** The last four characters, e.g. "…4242"; null when not set. */
  lastFour: string | null;
  /** Where the value comes from: the environment (server mode) wins over the keychain. */
  source: 'environment' | 'keychain' | null;
}

export function lastFourOf(secret: string) {
  return `…${secret.slice(-4)}`;
}

export function accountFor(name: ConnectionName, organizationId?: string) {
  return organizationId ? `connection:${name}:${organizationId}` : `connection:${name}`;
}

export function keychainHelp(keychain: Keychain) {
  const install =
    process.platform === 'linux'
      ? ' On Linux install and start a Secret Service (e.g. `apt install gnome-keyring libsecret-1-0`, then unlock the keyring).'
      : '';
  return `No OS keychain is available${keychain.unavailableReason ? ` (${keychain.unavailableReason})` : ''}; Meterdesk stores connection secrets nowhere else.${install}`;
}

export class CredentialStore {
  constructor(
    private readonly keychain: Keychain,
    /** Server mode: STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET win over the keychain. */
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  get available() {
    return this.keychain.available;
  }

  private fromEnvironment(name: ConnectionName) {
    return this.env[CONNECTIONS[name].envVar]?.trim() || undefined;
  }

  /** The secret, for the provider wiring in the main process only. */
  async get(name: ConnectionName, organizationId?: string): Promise<string | undefined> {
    return this.fromEnvironment(name) ?? (await this.keychain.get(accountFor(name, organizationId))) ?? undefined;
  }

  /** Validates, then stores in the keychain; returns the last four characters. */
  async set(name: ConnectionName, secret: string, organizationId?: string): Promise<{ lastFour: string }> {
    const parsed = parseSecret(name, secret);
    if (!this.keychain.available) throw new AppError('PRECONDITION_FAILED', keychainHelp(this.keychain));
    await this.keychain.set(accountFor(name, organizationId), parsed);
    return { lastFour: lastFourOf(parsed) };
  }

  async delete(name: ConnectionName, organizationId?: string) {
    if (!this.keychain.available) throw new AppError('PRECONDITION_FAILED', keychainHelp(this.keychain));
    await this.keychain.delete(accountFor(name, organizationId));
  }

  /** The installation's connections, or with an organization id that organization's (e.g. its SNS key pair). */
  async status(organizationId?: string): Promise<ConnectionStatus[]> {
    return Promise.all(
      (organizationId ? organizationConnectionNames : connectionNames).map(async (name) => {
        const env = this.fromEnvironment(name);
        const stored = env ? undefined : await this.keychain.get(accountFor(name, organizationId));
        const value = env ?? stored;
        return { name, label: CONNECTIONS[name].label, set: !!value, lastFour: value ? lastFourOf(value) : null, source: env ? 'environment' : stored ? 'keychain' : null };
      }),
    );
  }
}

/** Validates a secret for a connection; the error names the field, never echoes the value. */
export function parseSecret(name: ConnectionName, secret: string): string {
  const result = CONNECTIONS[name].schema.safeParse(secret);
  if (!result.success) throw new AppError('BAD_REQUEST', result.error.issues[0]?.message ?? `${CONNECTIONS[name].label} is malformed.`);
  return result.data;
}
