// The one place that creates the tRPC context and the procedure builders (create-t3-app layering).
// Every procedure is built from publicProcedure, authedProcedure, orgProcedure(permission) or
// platformProcedure(permission), so the permission each needs is named where it is defined.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { AuthPolicy } from '../auth/auth-policy';
import type { SessionCarrier } from '../auth/session-carrier';
import { resolveSession, type ResolvedSession } from '../auth/resolve-session';
import { AppError } from '../errors';
import { DATABASE_UNAVAILABLE_MESSAGE, DatabaseUnavailableError, isDatabaseUnavailable, warnDatabaseUnavailable } from '../db/database-unavailable';
import { logUnexpectedError, unexpectedErrorMessage } from '../logging/log-error';
import type { Keychain } from '../keychain/keychain';
import type { SettingsStore } from '../config/settings-store';
import type { Mailer } from '../mail/mailer';
import type { BillingProvider } from '../billing/billing-provider';
import type { StripeEventSource } from '../billing/stripe/stripe-event-source';
import type { Actor } from '../members/member-scope';
import {
  orgRoleCan,
  platformRoleCan,
  type OrgPermission,
  type OrgRoleName,
  type PlatformPermission,
} from '../permissions/permissions';

import type { Connections } from '../credentials/stripe-connection';
import type { SmsConfig } from '../sms/sms-provider-for-organization';
import { resolveImpersonation } from '../impersonation/resolve-impersonation';
import { impersonationRefusal } from '../impersonation/impersonation-policy';
import { endImpersonation } from '../impersonation/end-impersonation';
import { runAsImpersonation } from '../audit/audit-actor-context';

export interface AppServices {
  db: Database;
  clock: Clock;
  authPolicy: AuthPolicy;
  keychain: Keychain;
  settings: SettingsStore;
  mailer: Mailer;
  /** The browser console's address when served over HTTP (invitation links point there); null on the desktop. */
  consoleUrl: string | null;
  version: string;
  /** Stripe when configured (server mode: STRIPE_SECRET_KEY); null where billing is not set up. */
  billingProvider: BillingProvider | null;
  /** Stripe's client for reading objects back into the mirror (same as the event processor's); null when not configured. */
  stripeEvents?: StripeEventSource | null;
  /** Settings → Connections: the credential store and the rebuild of Stripe after a save (server/credentials). */
  connections?: Connections;
  /** Outbound webhook delivery settings (timeout, response size); tests shorten the timeout. */
  webhookDelivery?: Partial<import('../webhooks/deliver-webhooks').WebhookDeliveryOptions>;
  /** SMS through SNS: endpoint override (SNS_ENDPOINT, the stand-in in tests) and allowed notification certificate hosts. */
  sms?: SmsConfig;
  /** Reports and exports: where files go, the signing key's sources, exports in progress (server/exports). */
  exports?: import('../exports/export-services').ExportServices;
}

export interface RequestInfo {
  /** 'desktop' when served over Electron IPC, 'browser' over HTTP. */
  transport: 'desktop' | 'browser';
  userAgent?: string | null;
  /** Desktop only: the system Save/Open dialogs for exports (server/exports/desktop-files.ts). */
  files?: import('../exports/desktop-files').DesktopFiles;
}

export async function createContext(services: AppServices, carrier: SessionCarrier, request: RequestInfo) {
  const token = await carrier.read();
  try {
    const staffSession = await resolveSession(services.db, token, services.clock);
    // A token that no longer resolves (expired, revoked) is dropped so the client returns to sign-in.
    if (token && !staffSession) await carrier.clear();
    // While platform staff impersonate a tenant's user, the session acts as that user (server/impersonation).
    const { session, impersonation } = await resolveImpersonation(services.db, staffSession, services.clock);
    return { ...services, carrier, request, session, impersonation, databaseUnavailable: undefined as DatabaseUnavailableError | undefined };
  } catch (error) {
    // The database is unreachable: the context still forms (a context that throws never reaches the
    // error formatter over IPC), and every procedure answers SERVICE_UNAVAILABLE (databaseGuard below).
    // The session is unknown, not ended: the token is kept.
    if (!isDatabaseUnavailable(error)) throw error;
    return { ...services, carrier, request, session: null, impersonation: null, databaseUnavailable: new DatabaseUnavailableError(error) };
  }
}
export type Context = Awaited<ReturnType<typeof createContext>>;

export interface ProcedureMeta {
  /** The permission a procedure requires; read by the isolation test and the docs. */
  permission?: string;
}

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  isDev: false, // never send stack traces to clients
  // Dates (and other non-JSON values) arrive as they left, over IPC and HTTP alike.
  transformer: superjson,
  errorFormatter({ shape, error, type, path }) {
    const cause = error.cause;
    // Anything unexpected (a database failure, a bug) reaches the client as a reference only; its
    // detail goes to the server log under the same reference. Errors inside procedures were logged
    // by reportUnexpectedErrors; the rest (e.g. the context failing) are logged here. Over HTTP and
    // Electron IPC alike, since both format errors through this function.
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      const correlationId = cause instanceof ReportedError ? cause.correlationId : logUnexpectedError(`trpc ${type} ${path ?? '(unknown path)'}`, error);
      return { ...shape, message: unexpectedErrorMessage(correlationId), data: { ...shape.data, correlationId } };
    }
    return {
      ...shape,
      data: {
        ...shape.data,
        // Per-field messages for forms: { email: ['Enter a valid email address…'] }
        fieldErrors: cause instanceof ZodError ? z.flattenError(cause).fieldErrors : cause instanceof AppError && cause.details.field ? { [cause.details.field]: [cause.message] } : undefined,
        retryAfterSeconds: cause instanceof AppError ? cause.details.retryAfterSeconds : undefined,
        // The console shows its offline banner and reconnects (renderer/src/lib/connectivity.ts).
        databaseUnavailable: cause instanceof DatabaseUnavailableError ? true : undefined,
      },
      message: cause instanceof ZodError ? summarizeZodError(cause) : shape.message,
    };
  },
});

function summarizeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join(' ');
}

/** An unexpected error already logged under `correlationId`; its detail stays here, on the server. */
class ReportedError extends Error {
  constructor(
    readonly correlationId: string,
    cause: unknown,
  ) {
    super(`Unexpected error, logged as ${correlationId}`, { cause });
    this.name = 'ReportedError';
  }
}

/**
 * Domain errors become tRPC errors with the same message. Anything else is logged with a
 * correlation id and replaced by a generic message carrying it: server-side callers (tests, the
 * CLI) see the same as clients, never Prisma's text, SQL or file paths.
 */
const mapDomainErrors = t.middleware(async ({ next, path, type }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  if (error.cause instanceof AppError) {
    const cause = error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  // An unreachable database is not a bug: said plainly (503), no correlation id, no stack in the log.
  if (error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(error.cause)) {
    warnDatabaseUnavailable(`trpc ${type} ${path}`, error.cause);
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE, cause: new DatabaseUnavailableError(error.cause) });
  }
  if (error.code === 'INTERNAL_SERVER_ERROR' && !(error.cause instanceof ReportedError)) {
    const correlationId = logUnexpectedError(`trpc ${type} ${path}`, error.cause ?? error);
    throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: unexpectedErrorMessage(correlationId), cause: new ReportedError(correlationId, error.cause ?? error) });
  }
  return result;
});

/** The context could not reach the database: every procedure answers so, before doing anything. */
const databaseGuard = t.middleware(({ ctx, next, path, type }) => {
  if (!ctx.databaseUnavailable) return next();
  warnDatabaseUnavailable(`trpc ${type} ${path}`, ctx.databaseUnavailable.cause);
  throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE, cause: ctx.databaseUnavailable });
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/**
 * While impersonating: platform procedures, the impersonated person's account and secrets are out
 * of reach, and every mutation is refused until the impersonation is escalated
 * (server/impersonation/impersonation-policy.ts). What is allowed runs with the real actor in the
 * audit context, so every event it records names both people.
 */
const impersonationGuard = t.middleware(async ({ ctx, next, path, type }) => {
  const impersonation = ctx.impersonation;
  if (!impersonation) return next();
  const refusal = impersonationRefusal(path, type, impersonation.mode);
  if (refusal) throw new TRPCError(refusal);
  if (path === 'auth.signOut') await endImpersonation(ctx.db, impersonation, 'signed_out', ctx.clock);
  return runAsImpersonation(
    { impersonationId: impersonation.id, organizationId: impersonation.organizationId, impersonatorUserId: impersonation.impersonator.id, impersonatedUserId: impersonation.impersonated.id },
    () => next(),
  );
});

export const publicProcedure = t.procedure.use(mapDomainErrors).use(databaseGuard).use(impersonationGuard);

/**
 * Public, and served while the database is unreachable: only for work that needs no database at all
 * (checking an export pack on the desktop, with no session, like browser mode's POST /api/exports/open).
 */
export const offlineProcedure = t.procedure.use(mapDomainErrors).use(impersonationGuard);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Your session has ended. Sign in again.' });
  return next({ ctx: { ...ctx, session: ctx.session as ResolvedSession, user: ctx.session.user } });
});

/**
 * Acts inside the session's active organization and requires `permission` there. Rows of other
 * organizations are out of reach because every query below filters by ctx.organizationId.
 */
export function orgProcedure(permission: OrgPermission) {
  return authedProcedure.meta({ permission }).use(async ({ ctx, next, type }) => {
    const organizationId = ctx.session.activeOrganizationId;
    if (!organizationId) throw new TRPCError({ code: 'FORBIDDEN', message: 'Choose an organization first.' });
    const found = await ctx.db.prisma.membership.findUnique({
      where: { organizationId_userId: { organizationId, userId: ctx.user.id } },
      select: { id: true, role: true, status: true, organization: { select: { deletionScheduledAt: true } } },
    });
    if (!found || found.status !== 'active') {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this organization.' });
    }
    const { organization, ...membership } = found;
    const role = membership.role as OrgRoleName;
    if (!orgRoleCan(role, permission)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Your role (${role}) does not allow this (${permission}).` });
    }
    // An organization scheduled for deletion is read-only until then: only cancelling (which needs
    // organization:delete) changes anything.
    if (organization.deletionScheduledAt && type === 'mutation' && permission !== 'organization:delete') {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'This organization is scheduled for deletion and is read-only. An owner can cancel the deletion in Settings.' });
    }
    const actor: Actor = { organizationId, userId: ctx.user.id, role };
    return next({ ctx: { ...ctx, organizationId, membership: { ...membership, role }, actor } });
  });
}

export function platformProcedure(permission: PlatformPermission) {
  return authedProcedure.meta({ permission }).use(({ ctx, next }) => {
    if (!platformRoleCan(ctx.user.platformRole, permission)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the platform permission ${permission}.` });
    }
    return next();
  });
}

/** Only while impersonating: ending or escalating it (the real staff member's own actions). */
export const impersonatingProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.impersonation) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'You are not impersonating anyone.' });
  return next({ ctx: { ...ctx, impersonation: ctx.impersonation } });
});
