// argon2id with the library's defaults (OWASP-recommended memory and time costs).
import { hash, verify } from '@node-rs/argon2';

export { passwordSchema } from './password-rules';

const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, which isolated modules cannot read)

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

/**
 * Compares a password with a stored hash. Only checkPassword (check-password.ts) may call this for
 * a person's password: it wraps every check in the sign-in throttle and lock.
 */
export async function verifyPassword(hashed: string | null | undefined, password: string): Promise<boolean> {
  for (const observer of verificationObservers) observer();
  // Verify against a fixed hash when the account has none, so timing does not reveal which emails exist.
  const target = hashed ?? (await dummyHash());
  const ok = await verify(target, password).catch(() => false);
  return ok && !!hashed;
}

const verificationObservers = new Set<() => void>();

/** Calls `observer` on every password verification; returns a function that stops it. Tests count real checks with it. */
export function observePasswordVerifications(observer: () => void): () => void {
  verificationObservers.add(observer);
  return () => void verificationObservers.delete(observer);
}

let dummy: Promise<string> | undefined;
function dummyHash() {
  dummy ??= hashPassword('not-a-real-password-0');
  return dummy;
}
