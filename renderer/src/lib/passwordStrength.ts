// A hint, not a rule: the server's passwordSchema decides what is accepted.
export interface PasswordStrength {
  /** 0–100, for a meter. */
  score: number;
  label: 'Too short' | 'Weak' | 'Fair' | 'Good' | 'Strong';
  color: 'red' | 'orange' | 'yellow' | 'teal' | 'green';
}

export function passwordStrength(password: string): PasswordStrength {
  if (password.length < 10) return { score: Math.min(password.length * 3, 25), label: 'Too short', color: 'red' };
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((r) => r.test(password)).length;
  const points = classes + (password.length >= 14 ? 1 : 0) + (password.length >= 20 ? 1 : 0);
  if (classes < 2) return { score: 30, label: 'Weak', color: 'orange' };
  if (points <= 2) return { score: 50, label: 'Fair', color: 'yellow' };
  if (points <= 4) return { score: 75, label: 'Good', color: 'teal' };
  return { score: 100, label: 'Strong', color: 'green' };
}
