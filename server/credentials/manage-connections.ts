// Use cases behind Settings → Connections (super admins): list (status only), save (which also
// rotates), delete and test, for the installation's connections — the shared database URL, Stripe's
// secret key and webhook secret, SMTP. (Each organization's SNS key pair: organization-sms-connections.ts.)
// Saving or deleting rebuilds Stripe and the mailer in place, so no restart is needed (the database
// URL applies from the next start). Audited with the connection's name and last four characters,
// never the secret.
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { createStripeClient } from '../billing/stripe/stripe-client';
import { loadStripeSdk } from '../billing/stripe/stripe-sdk';
import { checkDatabaseUrl } from '../config/check-database-url';
import { databaseUrlSchema } from '../config/database-url';
import { AppError } from '../errors';
import { CONNECTIONS, connectionNames, keychainHelp, lastFourOf, type ConnectionName, type ConnectionStatus } from './credential-store';

type Services = Pick<AppServices, 'db' | 'connections' | 'keychain' | 'settings'>;

/** The shared database URL: kept by the settings store (keychain account `database-url`), listed here too. */
export const DATABASE_CONNECTION = 'database.url';
export const platformConnectionNameSchema = z.enum([DATABASE_CONNECTION, ...connectionNames]);
export type PlatformConnectionName = z.infer<typeof platformConnectionNameSchema>;

// Each connection's format (and no control characters) is checked at the boundary, per field; the
// store checks again before anything reaches the keychain. Messages never echo the secret.
export const saveConnectionInput = z
  .object({ name: platformConnectionNameSchema, secret: z.string().max(2048) })
  .superRefine((value, ctx) => {
    const schema = value.name === DATABASE_CONNECTION ? databaseUrlSchema : CONNECTIONS[value.name].schema;
    const result = schema.safeParse(value.secret);
    if (!result.success) ctx.addIssue({ code: 'custom', path: ['secret'], message: result.error.issues[0]?.message ?? 'This secret is malformed.' });
  });
export const connectionNameInput = z.object({ name: platformConnectionNameSchema });

export interface PlatformConnectionStatus extends Omit<ConnectionStatus, 'name'> {
  name: PlatformConnectionName;
  /** Whether "Test connection" can check it (the webhook secret is checked when Stripe delivers). */
  testable: boolean;
  /** Takes effect at the next start (the database URL) rather than at once. */
  appliesAtRestart: boolean;
}

function connectionsOf(services: Services) {
  if (!services.connections) throw new AppError('PRECONDITION_FAILED', 'Connections are not available in this process.');
  return services.connections;
}

async function databaseStatus(services: Services): Promise<PlatformConnectionStatus> {
  const env = process.env.DATABASE_URL?.trim() || undefined;
  const saved = env ? undefined : await services.settings.savedDatabaseUrl();
  const value = env ?? saved;
  return {
    name: DATABASE_CONNECTION,
    label: 'Shared database URL (PostgreSQL)',
    set: !!value,
    lastFour: value ? lastFourOf(value) : null,
    source: env ? 'environment' : saved ? 'keychain' : null,
    testable: !!value,
    appliesAtRestart: true,
  };
}

export async function listConnections(services: Services) {
  const connections = connectionsOf(services);
  const stored = await connections.store.status();
  return {
    keychainAvailable: connections.store.available,
    /** What to install when there is no keychain; null when there is one. */
    keychainHelp: connections.store.available ? null : keychainHelp(services.keychain),
    /** The database this process runs on now. */
    databaseInUse: services.db.kind,
    connections: [
      await databaseStatus(services),
      ...stored.map((c) => ({ ...c, testable: c.set && c.name !== 'stripe.webhook_secret', appliesAtRestart: false })),
    ] satisfies PlatformConnectionStatus[],
  };
}

async function statusOf(services: Services, name: PlatformConnectionName) {
  return name === DATABASE_CONNECTION ? databaseStatus(services) : (await connectionsOf(services).store.status()).find((c) => c.name === name);
}

function refuseEnvironment(before: { source: string | null } | undefined, name: PlatformConnectionName) {
  if (before?.source === 'environment') {
    const envVar = name === DATABASE_CONNECTION ? 'DATABASE_URL' : CONNECTIONS[name].envVar;
    throw new AppError('PRECONDITION_FAILED', `This server takes it from ${envVar}; change or unset it there.`);
  }
}

/** Saves a connection, or rotates it when one is already set (the old value is overwritten). */
export async function saveConnection(services: Services, actorUserId: string, input: z.infer<typeof saveConnectionInput>) {
  const connections = connectionsOf(services);
  const before = await statusOf(services, input.name);
  refuseEnvironment(before, input.name);
  let lastFour: string;
  if (input.name === DATABASE_CONNECTION) {
    if (!services.keychain.available) throw new AppError('PRECONDITION_FAILED', keychainHelp(services.keychain));
    const url = databaseUrlSchema.parse(input.secret);
    await checkDatabaseUrl(url);
    await services.settings.saveDatabaseUrl(url);
    lastFour = lastFourOf(url);
  } else {
    ({ lastFour } = await connections.store.set(input.name, input.secret));
  }
  await recordAuditEvent(services.db.prisma, {
    actorUserId,
    action: before?.set ? 'platform.connection_rotated' : 'platform.connection_saved',
    targetType: 'connection',
    targetId: input.name,
    before: { set: before?.set ?? false, lastFour: before?.lastFour ?? null },
    after: { set: true, lastFour },
  });
  await refresh(connections, input.name);
  return { name: input.name, set: true, lastFour, rotated: !!before?.set, restartRequired: input.name === DATABASE_CONNECTION };
}

export async function deleteConnection(services: Services, actorUserId: string, input: z.infer<typeof connectionNameInput>) {
  const connections = connectionsOf(services);
  const before = await statusOf(services, input.name);
  refuseEnvironment(before, input.name);
  if (input.name === DATABASE_CONNECTION) {
    if (!services.keychain.available) throw new AppError('PRECONDITION_FAILED', keychainHelp(services.keychain));
    await services.settings.saveDatabaseUrl(null);
  } else {
    await connections.store.delete(input.name);
  }
  await recordAuditEvent(services.db.prisma, {
    actorUserId,
    action: 'platform.connection_deleted',
    targetType: 'connection',
    targetId: input.name,
    before: { set: before?.set ?? false, lastFour: before?.lastFour ?? null },
    after: { set: false },
  });
  await refresh(connections, input.name);
  return { name: input.name, set: false, restartRequired: input.name === DATABASE_CONNECTION };
}

async function refresh(connections: NonNullable<Services['connections']>, name: PlatformConnectionName) {
  if (name.startsWith('stripe.')) await connections.refreshStripe();
  if (name === 'smtp.url') await connections.refreshMailer?.();
}

type TestResult = { ok: boolean; message: string; livemode?: boolean | null };

/**
 * A real call with the stored value: `select 1` on the database, Stripe's balance, SMTP's
 * handshake and login (nodemailer's verify). Answers ok or the provider's reason, never the secret.
 */
export async function testConnection(services: Services, input: z.infer<typeof connectionNameInput>): Promise<TestResult> {
  const connections = connectionsOf(services);
  switch (input.name) {
    case DATABASE_CONNECTION:
      return testDatabase(services);
    case 'stripe.secret_key':
      return testStripe(connections);
    case 'smtp.url':
      return testSmtp(connections);
    case 'stripe.webhook_secret':
      throw new AppError('BAD_REQUEST', 'The webhook signing secret cannot be tested from here: it is checked on every delivery Stripe makes to POST /webhooks/stripe.', { field: 'name' });
  }
  throw new AppError('BAD_REQUEST', 'Unknown connection.', { field: 'name' });
}

async function testDatabase(services: Services): Promise<TestResult> {
  const url = process.env.DATABASE_URL?.trim() || (await services.settings.savedDatabaseUrl());
  if (!url) throw new AppError('PRECONDITION_FAILED', 'No shared database URL is set: this console uses its embedded database.');
  try {
    await checkDatabaseUrl(url);
    return { ok: true, message: `PostgreSQL at the URL ending ${lastFourOf(url)} answered select 1.` };
  } catch (error) {
    return { ok: false, message: (error as Error).message.replaceAll(url, '[the URL]') };
  }
}

async function testStripe(connections: NonNullable<Services['connections']>): Promise<TestResult> {
  const secretKey = await connections.store.get('stripe.secret_key');
  if (!secretKey) throw new AppError('PRECONDITION_FAILED', 'No Stripe secret key is set: save one first.');
  await loadStripeSdk();
  const stripe = createStripeClient({ secretKey, apiBase: connections.stripeApiBase, maxNetworkRetries: 1, timeoutMs: 10_000 });
  try {
    const balance = await stripe.balance.retrieve();
    return { ok: true, livemode: balance.livemode, message: `Stripe accepted the key ending ${lastFourOf(secretKey)} (${balance.livemode ? 'live' : 'test'} mode).` };
  } catch (error) {
    const e = error as { statusCode?: number; type?: string };
    const reason =
      e.statusCode === 401
        ? `Stripe refused the key ending ${lastFourOf(secretKey)}: it is invalid or was revoked. Replace it with a current key from the Stripe dashboard.`
        : e.statusCode === 403
          ? `The key ending ${lastFourOf(secretKey)} lacks permission to read the balance: a restricted key needs at least Balance read access.`
          : `Stripe could not be reached (${e.type ?? 'network error'}); try again.`;
    return { ok: false, livemode: null, message: reason };
  }
}

async function testSmtp(connections: NonNullable<Services['connections']>): Promise<TestResult> {
  const url = await connections.store.get('smtp.url');
  if (!url) throw new AppError('PRECONDITION_FAILED', 'No SMTP server URL is set: save one first.');
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 10_000 } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    await transport.verify();
    return { ok: true, message: `The SMTP server at the URL ending ${lastFourOf(url)} accepted the connection and login.` };
  } catch (error) {
    const e = error as { code?: string; responseCode?: number; message?: string };
    const reason =
      e.code === 'EAUTH'
        ? 'the server refused the user name or password'
        : e.code === 'ECONNECTION' || e.code === 'ETIMEDOUT' || e.code === 'ESOCKET' || e.code === 'EDNS'
          ? `it could not be reached (${e.code})`
          : `it answered ${e.responseCode ?? e.code ?? 'with an error'}`;
    return { ok: false, message: `SMTP test failed for the URL ending ${lastFourOf(url)}: ${reason}.` };
  } finally {
    transport.close();
  }
}

export type { ConnectionName };
