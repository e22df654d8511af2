// Without SMTP the outbox is how an invitation reaches its invitee, so its link must be kept, but
// never in clear: it is sealed with AES-256-GCM under a random key that lives only in the OS
// keychain. A database dump alone cannot open it. Without a keychain nothing is kept at all.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keychain } from '../keychain/keychain';

export const OUTBOX_KEY_ACCOUNT = 'outbox-encryption-key';
const FORMAT = 'v1';

export interface LinkSealContext {
  organizationId: string | null;
  to: string;
}

/** Binds a ciphertext to its row's organization and recipient: moved to another row, it does not open. */
function associatedData(context: LinkSealContext) {
  return Buffer.from(`meterdesk-outbox-link\u0000${context.organizationId ?? ''}\u0000${context.to}`);
}

export function sealLink(key: Buffer, link: string, context: LinkSealContext): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(context));
  const ciphertext = Buffer.concat([cipher.update(link, 'utf8'), cipher.final()]);
  return [FORMAT, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** The link, or null when the key is not the one it was sealed with (another machine's keychain) or the text was altered. */
export function openLink(key: Buffer, sealed: string, context: LinkSealContext): string | null {
  const [format, iv, tag, ciphertext] = sealed.split('.');
  if (format !== FORMAT || !iv || !tag || ciphertext === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(associatedData(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

const keys = new WeakMap<Keychain, Promise<Buffer | null>>();

/**
 * The outbox key from the keychain; created (32 random bytes) on first use when `create` is set.
 * Null when there is no keychain, or it holds no usable key.
 */
export async function outboxKey(keychain: Keychain, options: { create: boolean }): Promise<Buffer | null> {
  if (!keychain.available) return null;
  const cached = await keys.get(keychain);
  if (cached) return cached;
  // One lookup (and at most one creation) at a time per keychain; only a found key is remembered.
  const pending = readKey(keychain).then((key) => key ?? (options.create ? createKey(keychain) : null));
  keys.set(keychain, pending);
  const key = await pending;
  if (!key) keys.delete(keychain);
  return key;
}

async function readKey(keychain: Keychain): Promise<Buffer | null> {
  const stored = await keychain.get(OUTBOX_KEY_ACCOUNT).catch(() => undefined);
  if (!stored) return null;
  const key = Buffer.from(stored, 'base64');
  return key.length === 32 ? key : null;
}

async function createKey(keychain: Keychain): Promise<Buffer | null> {
  try {
    if (await keychain.get(OUTBOX_KEY_ACCOUNT)) return null; // there, but not a key: never overwrite what may seal older rows
    await keychain.set(OUTBOX_KEY_ACCOUNT, randomBytes(32).toString('base64'));
    // Two processes may have raced to create it: use whichever one the keychain kept.
    return await readKey(keychain);
  } catch (error) {
    console.warn(`The outbox cannot keep invitation links: the OS keychain refused a new key (${(error as Error).message.split('\n')[0]}).`);
    return null;
  }
}
