// A webhook's signing secret must be usable for signing, so it cannot be hashed: it is sealed with
// AES-256-GCM under a random key that lives only in the OS keychain (as the outbox's invitation
// links are). A database dump alone cannot sign deliveries. The key's fingerprint is stored beside
// each sealed secret, so a process whose keychain lacks that key leaves those deliveries to others.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Keychain } from '../keychain/keychain';

export const WEBHOOK_KEY_ACCOUNT = 'webhook-secret-key';
const FORMAT = 'v1';

export interface WebhookKey {
  key: Buffer;
  /** sha256 of the key, first 16 hex characters: names the key without revealing it. */
  id: string;
}

function aad(organizationId: string, endpointId: string) {
  return Buffer.from(`meterdesk-webhook-secret\u0000${organizationId}\u0000${endpointId}`);
}

export function sealSecret(key: WebhookKey, secret: string, organizationId: string, endpointId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad(organizationId, endpointId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** The secret, or null when sealed under another key or altered (moved to another row, it does not open). */
export function openSecret(key: WebhookKey, sealed: string, organizationId: string, endpointId: string): string | null {
  const [format, iv, tag, ciphertext] = sealed.split('.');
  if (format !== FORMAT || !iv || !tag || ciphertext === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(organizationId, endpointId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

const keys = new WeakMap<Keychain, Promise<WebhookKey | null>>();

/** The webhook key from the keychain, created on first use when `create` is set; null without a keychain. */
export async function webhookKey(keychain: Keychain, options: { create: boolean }): Promise<WebhookKey | null> {
  if (!keychain.available) return null;
  const cached = await keys.get(keychain);
  if (cached) return cached;
  const pending = readKey(keychain).then(async (key) => key ?? (options.create ? createKey(keychain) : null));
  keys.set(keychain, pending);
  const key = await pending;
  if (!key) keys.delete(keychain);
  return key;
}

function toKey(raw: Buffer): WebhookKey {
  return { key: raw, id: createHash('sha256').update(raw).digest('hex').slice(0, 16) };
}

async function readKey(keychain: Keychain): Promise<WebhookKey | null> {
  const stored = await keychain.get(WEBHOOK_KEY_ACCOUNT).catch(() => undefined);
  if (!stored) return null;
  const raw = Buffer.from(stored, 'base64');
  return raw.length === 32 ? toKey(raw) : null;
}

async function createKey(keychain: Keychain): Promise<WebhookKey | null> {
  try {
    if (await keychain.get(WEBHOOK_KEY_ACCOUNT)) return null; // there but not a key: never overwrite
    await keychain.set(WEBHOOK_KEY_ACCOUNT, randomBytes(32).toString('base64'));
    return await readKey(keychain); // two processes may have raced: use what the keychain kept
  } catch {
    return null;
  }
}
