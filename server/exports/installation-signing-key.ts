// The installation's Ed25519 key that signs export packs. The private key lives in the OS keychain
// only (created on first use), like every other secret; in server mode without a keychain it may
// come from MD_EXPORT_SIGNING_KEY (base64 PKCS#8 DER), as provider keys come from the environment.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { AppError } from '../errors';
import type { Keychain } from '../keychain/keychain';

export const SIGNING_KEY_ACCOUNT = 'export-signing-key';
export const SIGNING_KEY_ENV = 'MD_EXPORT_SIGNING_KEY';

export interface SigningKey {
  privateKey: KeyObject;
  /** SPKI DER, base64: what a manifest carries and Settings shows. */
  publicKey: string;
  /** SHA-256 of the public key, first 16 bytes in hex, grouped: how a person compares keys. */
  fingerprint: string;
}

export function fingerprintOf(publicKeyBase64: string) {
  return createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').slice(0, 32).match(/.{4}/g)!.join(' ');
}

function fromPkcs8(base64: string): SigningKey {
  const privateKey = createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  return { privateKey, publicKey, fingerprint: fingerprintOf(publicKey) };
}

export function generateSigningKey(): { pkcs8: string; key: SigningKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  return { pkcs8, key: fromPkcs8(pkcs8) };
}

const cache = new WeakMap<Keychain, Promise<SigningKey | null>>();

/** The key, created in the keychain on first use when `create`; null when there is none and none may be made. */
export async function installationSigningKey(keychain: Keychain, env: NodeJS.ProcessEnv, options: { create: boolean }): Promise<SigningKey | null> {
  const fromEnv = env[SIGNING_KEY_ENV]?.trim();
  if (!keychain.available) {
    if (!fromEnv) return null;
    try {
      return fromPkcs8(fromEnv);
    } catch {
      throw new AppError('PRECONDITION_FAILED', `${SIGNING_KEY_ENV} is not a base64 PKCS#8 Ed25519 private key.`);
    }
  }
  const cached = cache.get(keychain);
  if (cached) {
    const key = await cached;
    if (key || !options.create) return key;
  }
  const pending = (async () => {
    const stored = await keychain.get(SIGNING_KEY_ACCOUNT);
    if (stored) return fromPkcs8(stored);
    if (!options.create) return null;
    const { pkcs8, key } = generateSigningKey();
    await keychain.set(SIGNING_KEY_ACCOUNT, pkcs8);
    // Another process may have stored one at the same moment: the keychain's copy wins.
    const again = await keychain.get(SIGNING_KEY_ACCOUNT);
    return again && again !== pkcs8 ? fromPkcs8(again) : key;
  })();
  cache.set(keychain, pending);
  pending.catch(() => cache.delete(keychain));
  return pending;
}

export async function requireSigningKey(keychain: Keychain, env: NodeJS.ProcessEnv): Promise<SigningKey> {
  const key = await installationSigningKey(keychain, env, { create: true });
  if (!key) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `Export packs are signed with a key kept in the OS keychain, and none is available${keychain.unavailableReason ? ` (${keychain.unavailableReason})` : ''}. Start a keychain (on Linux: gnome-keyring), or in server mode set ${SIGNING_KEY_ENV}.`,
    );
  }
  return key;
}

export function signBytes(key: KeyObject, bytes: Buffer) {
  return sign(null, bytes, key).toString('base64');
}

export function verifyBytes(publicKeyBase64: string, bytes: Buffer, signatureBase64: string) {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' && verify(null, bytes, key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
