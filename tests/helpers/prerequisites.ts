// A test whose prerequisite is missing skips on a developer's laptop and says why; under CI=true
// only the Electron binary and live provider accounts may be missing, anything else fails the run.
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export type Prerequisite = { ok: true } | { ok: false; reason: string };

/**
 * Returns true when the tests needing this may run. Missing outside CI: logs and returns false (skip).
 * Missing under CI (unless `mayBeMissingInCI`): throws, failing the run.
 */
export function requirePrerequisite(name: string, check: Prerequisite, mayBeMissingInCI = false): boolean {
  if (check.ok) return true;
  const message = `${name} unavailable: ${check.reason}`;
  if (IN_CI && !mayBeMissingInCI) throw new Error(`${message} (required under CI=true)`);
  console.warn(`[skip] ${message}`);
  return false;
}
