// Password rules: length, and a zxcvbn score of at least 3 with the person's own words (email, name,
// organization) counted against it. Used by sign-up, invitation acceptance, reset and change. The
// console's meter loads the same estimator (password-estimator.ts) and threshold.
import { z } from 'zod';
import { estimatePassword, passwordUserInputs } from './password-estimator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE } from './password-limits';

export { estimatePassword, passwordUserInputs, type PasswordEstimate } from './password-estimator';
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE } from './password-limits';

/** Why this password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, userInputs: string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const estimate = estimatePassword(password, userInputs);
  if (estimate.score >= MIN_PASSWORD_SCORE) return null;
  const why = estimate.warning ?? 'This password is too easy to guess.';
  const tip = estimate.suggestions[0] ?? 'Add another word or two that are less common.';
  return `${why.replace(/\.?$/, '.')} ${tip}`;
}

/** A new password, checked without knowing whose it is (see withPasswordOf for the person's own words). */
export const passwordSchema = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Adds the person's own words to the check of `field` in an object schema: "acme-corp-2026" is weak
 * for someone at Acme Corp. Reported on the password field, like any other password problem.
 */
export function withPasswordOf<T extends z.ZodType<Record<string, unknown>>>(schema: T, field: string, inputs: (value: z.output<T>) => (string | null | undefined)[]) {
  return schema.superRefine((value, ctx) => {
    const password = value[field];
    if (typeof password !== 'string' || passwordProblem(password)) return; // already reported by passwordSchema
    const problem = passwordProblem(password, passwordUserInputs(...inputs(value)));
    if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
  });
}
