export interface AuthPolicy {
  /** Session lifetime with "remember me" ticked, and without. */
  rememberedSessionMs: number;
  sessionMs: number;
  /** After this many consecutive failures, each further attempt must wait an exponentially growing delay. */
  slowDownAfterFailures: number;
  slowDownBaseMs: number;
  /** After this many consecutive failures the email is locked for lockMs. */
  lockAfterFailures: number;
  lockMs: number;
  /** Failures older than this are forgotten. */
  failureWindowMs: number;
  /** How long a password reset link stays valid. */
  passwordResetMs: number;
  /** Reset emails per account per hour, and for the whole platform per hour (mail-bombing and cost). */
  passwordResetsPerAccountPerHour: number;
  passwordResetsPerHour: number;
}

export const defaultAuthPolicy: AuthPolicy = {
  rememberedSessionMs: 30 * 24 * 3600_000,
  sessionMs: 12 * 3600_000,
  slowDownAfterFailures: 5,
  slowDownBaseMs: 1000,
  lockAfterFailures: 10,
  lockMs: 15 * 60_000,
  failureWindowMs: 15 * 60_000,
  passwordResetMs: 3600_000,
  passwordResetsPerAccountPerHour: 3,
  passwordResetsPerHour: 100,
};
