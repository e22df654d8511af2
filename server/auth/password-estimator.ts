// zxcvbn's maintained TypeScript port with its common and English dictionaries: it knows tens of
// thousands of common and breached passwords, names and words, and the patterns people build from
// them (keyboard walks, dates, l33t, "password12"). In a module of its own so the console loads the
// dictionaries (over 1 MB) in a chunk of their own, when a new password is typed, not at start.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

// Built on first use (not at import: signing in never estimates) and then kept for the process.
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
