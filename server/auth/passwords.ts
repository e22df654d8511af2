// argon2id with the library's defaults (OWASP-recommended memory and time costs).
import { hash, verify } from '@node-rs/argon2';

const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, which isolated modules cannot read)
import { z } from 'zod';

export const passwordSchema = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.')
  .refine((p) => /[a-zA-Z]/.test(p) && /[^a-zA-Z]/.test(p), 'Mix letters with digits or symbols.')
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), 'This password is too common; choose another.');

const COMMON_PASSWORDS = new Set(['password123', 'password1!', 'qwerty12345', '1234567890a', 'letmein1234', 'welcome1234']);

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(hashed: string | null | undefined, password: string): Promise<boolean> {
  // Verify against a fixed hash when the account has none, so timing does not reveal which emails exist.
  const target = hashed ?? (await dummyHash());
  const ok = await verify(target, password).catch(() => false);
  return ok && !!hashed;
}

let dummy: Promise<string> | undefined;
function dummyHash() {
  dummy ??= hashPassword('not-a-real-password-0');
  return dummy;
}
