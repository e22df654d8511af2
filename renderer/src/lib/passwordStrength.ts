// The meter reads the same estimator (zxcvbn) and the same threshold the server's password rules
// apply, so "Strong" here is what the server accepts. The estimator and its dictionaries (over 1 MB)
// load in a chunk of their own the first time a new password is typed; the server decides anyway.
import { useEffect, useState } from 'react';
import { MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE } from '../../../server/auth/password-limits';

type Estimator = typeof import('../../../server/auth/password-estimator');

export interface PasswordStrength {
  /** 0–100, for a meter. */
  score: number;
  label: 'Too short' | 'Checking…' | 'Very weak' | 'Weak' | 'Fair' | 'Strong' | 'Very strong';
  color: 'red' | 'orange' | 'yellow' | 'teal' | 'green' | 'gray';
  acceptable: boolean;
  /** The estimator's reason and tip, when the password is not acceptable. */
  feedback: string | null;
}

const LEVELS = [
  { label: 'Very weak', color: 'red' },
  { label: 'Weak', color: 'orange' },
  { label: 'Fair', color: 'yellow' },
  { label: 'Strong', color: 'teal' },
  { label: 'Very strong', color: 'green' },
] as const;

let loading: Promise<Estimator> | undefined;
function loadEstimator() {
  loading ??= import('../../../server/auth/password-estimator');
  return loading;
}

export function passwordStrength(estimator: Estimator | null, password: string, userInputs: (string | null | undefined)[] = []): PasswordStrength {
  if (password.length < MIN_PASSWORD_LENGTH) return { score: Math.min(password.length * 3, 25), label: 'Too short', color: 'red', acceptable: false, feedback: null };
  if (!estimator) return { score: 0, label: 'Checking…', color: 'gray', acceptable: false, feedback: null };
  const estimate = estimator.estimatePassword(password, estimator.passwordUserInputs(...userInputs));
  const level = LEVELS[estimate.score] ?? LEVELS[0];
  const acceptable = estimate.score >= MIN_PASSWORD_SCORE;
  const feedback = acceptable ? null : [estimate.warning, estimate.suggestions[0]].filter(Boolean).join(' ') || 'Add another word or two that are less common.';
  return { score: (estimate.score + 1) * 20, label: level.label, color: level.color, acceptable, feedback };
}

/** The strength of `password`, once the estimator has loaded (it starts loading when typing does). */
export function usePasswordStrength(password: string, userInputs: (string | null | undefined)[] = []): PasswordStrength {
  const [estimator, setEstimator] = useState<Estimator | null>(null);
  const wanted = password.length > 0;
  useEffect(() => {
    if (!wanted || estimator) return;
    let live = true;
    void loadEstimator().then((e) => live && setEstimator(e));
    return () => {
      live = false;
    };
  }, [wanted, estimator]);
  return passwordStrength(estimator, password, userInputs);
}
