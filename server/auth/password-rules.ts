// Password rules, free of server-only imports so the console's forms check the same rules (and its
// strength meter shows the same estimator's verdict). Strength is zxcvbn's maintained TypeScript
// port: it knows tens of thousands of common and breached passwords, names and words, and the
// patterns people build from them (keyboard walks, dates, l33t, "password12"); a score of 3 or more
// ("safely unguessable: moderate protection from offline slow-hash scenario") is required.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
/** zxcvbn's score, 0–4. */
export const MIN_PASSWORD_SCORE = 3;

// The dictionaries are big: the estimator is built on first use (not at import, so signing in,
// which never estimates, pays nothing) and then kept for the life of the process.
let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...commonDictionary, ...englishDictionary }, graphs: adjacencyGraphs, translations });
  return estimator;
}

export interface PasswordEstimate {
  /** 0–4 */
  score: number;
  /** What makes it weak, when it is ("This is a commonly used password."). */
  warning: string | null;
  suggestions: string[];
}

/** Words of the person's own (email, name, organization) that a password must not lean on. */
export function passwordUserInputs(...inputs: (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const input of inputs) {
    if (!input) continue;
    const value = input.trim().toLowerCase();
    if (!value) continue;
    words.add(value);
    words.add(value.replace(/[^\p{L}\p{N}]+/gu, ''));
    for (const part of value.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

export function estimatePassword(password: string, userInputs: string[] = []): PasswordEstimate {
  // zxcvbn's cost grows with length; past 100 characters the first 100 decide (and are plenty).
  const result = zxcvbn().check(password.slice(0, 100), userInputs);
  return { score: result.score, warning: result.feedback.warning ?? null, suggestions: result.feedback.suggestions ?? [] };
}

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
