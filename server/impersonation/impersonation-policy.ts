// What platform staff may do while impersonating a tenant's user: checked for every procedure by the
// tRPC middleware (server/api/trpc.ts), before the procedure's own permission check, which then
// applies the impersonated user's role — never more than they have.

export const IMPERSONATION_DEFAULT_MINUTES = 30;
export const IMPERSONATION_MAX_MINUTES = 120;

/**
 * Never while impersonating, escalated or not: platform screens, the impersonated person's own
 * account (password, sessions, sign-out everywhere), leaving the tenant, ownership and deletion,
 * and everything that shows a secret (a new API key, a webhook's signing secret, provider
 * credentials, invitation links in the outbox).
 */
const DENIED_PREFIXES = ['platform.', 'connections.', 'account.', 'impersonation.start', 'impersonation.candidates'];
const DENIED = new Set([
  'auth.signOutEverywhere',
  'auth.signUp',
  'auth.signIn',
  'auth.resetPassword',
  'settings.saveDatabaseConnection',
  'setup.completeFirstRun',
  'setup.loadDemoData',
  'organization.switch',
  'organization.transferOwnership',
  'organization.scheduleDeletion',
  'organization.cancelDeletion',
  'apiKeys.create',
  'webhooks.create',
  'sms.saveCredentials',
  'sms.deleteCredentials',
  'outbox.list',
]);

/** Changes allowed while read-only: ending or escalating the impersonation, and signing out (which ends it). */
const READ_ONLY_MUTATIONS = new Set(['impersonation.end', 'impersonation.escalate', 'auth.signOut']);

export type ImpersonationRefusal = { code: 'FORBIDDEN'; message: string } | null;

export function impersonationRefusal(path: string, type: 'query' | 'mutation' | 'subscription', mode: 'read_only' | 'escalated'): ImpersonationRefusal {
  if (DENIED.has(path) || DENIED_PREFIXES.some((p) => path.startsWith(p))) {
    return { code: 'FORBIDDEN', message: 'Not available while impersonating: end the impersonation to use platform tools, account settings or secrets.' };
  }
  if (type !== 'query' && mode === 'read_only' && !READ_ONLY_MUTATIONS.has(path)) {
    return { code: 'FORBIDDEN', message: 'This impersonation is read-only. Escalate it with a reason to make changes.' };
  }
  return null;
}
