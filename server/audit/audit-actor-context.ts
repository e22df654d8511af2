// Who is really acting, for the audit trail: while platform staff impersonate a tenant's user, the
// tRPC middleware (server/impersonation/impersonation-guard.ts) runs the request inside this
// context, and recordAuditEvent adds the real actor to every event the impersonated user causes.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ImpersonationActor {
  impersonationId: string;
  organizationId: string;
  /** The platform staff member really acting. */
  impersonatorUserId: string;
  /** The tenant's user they act as (the session's effective user). */
  impersonatedUserId: string;
}

const storage = new AsyncLocalStorage<ImpersonationActor>();

export function runAsImpersonation<T>(actor: ImpersonationActor, fn: () => T): T {
  return storage.run(actor, fn);
}

export function currentImpersonation(): ImpersonationActor | null {
  return storage.getStore() ?? null;
}
