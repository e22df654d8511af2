// Password rules, free of server-only imports so the console's forms check the same rules.
import { z } from 'zod';

export const passwordSchema = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.')
  .refine((p) => /[a-zA-Z]/.test(p) && /[^a-zA-Z]/.test(p), 'Mix letters with digits or symbols.')
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), 'This password is too common; choose another.');

const COMMON_PASSWORDS = new Set(['password123', 'password1!', 'qwerty12345', '1234567890a', 'letmein1234', 'welcome1234']);
