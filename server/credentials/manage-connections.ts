// Use cases behind Settings → Connections (super admins): list (status only), save, delete and
// test. Saving or deleting rebuilds Stripe in place, so no restart is needed. Audited with the
// connection's name and last four characters, never the secret.
import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { createStripeClient } from '../billing/stripe/stripe-client';
import { loadStripeSdk } from '../billing/stripe/stripe-sdk';
import { AppError } from '../errors';
import { CONNECTIONS, connectionNameSchema, lastFourOf, type ConnectionName } from './credential-store';

type Services = Pick<AppServices, 'db' | 'connections' | 'keychain'>;

// Each connection's format (and no control characters) is checked at the boundary, per field; the
// store checks again before anything reaches the keychain. Messages never echo the secret.
export const saveConnectionInput = z
  .object({ name: connectionNameSchema, secret: z.string().max(512) })
  .superRefine((value, ctx) => {
    const result = CONNECTIONS[value.name].schema.safeParse(value.secret);
    if (!result.success) ctx.addIssue({ code: 'custom', path: ['secret'], message: result.error.issues[0]?.message ?? 'This secret is malformed.' });
  });
export const connectionNameInput = z.object({ name: connectionNameSchema });

function connectionsOf(services: Services) {
  if (!services.connections) throw new AppError('PRECONDITION_FAILED', 'Connections are not available in this process.');
  return services.connections;
}

export async function listConnections(services: Services) {
  const connections = connectionsOf(services);
  return { keychainAvailable: connections.store.available, connections: await connections.store.status() };
}

export async function saveConnection(services: Services, actorUserId: string, input: z.infer<typeof saveConnectionInput>) {
  const connections = connectionsOf(services);
  const before = (await connections.store.status()).find((c) => c.name === input.name);
  const { lastFour } = await connections.store.set(input.name, input.secret);
  await recordAuditEvent(services.db.prisma, {
    actorUserId,
    action: 'platform.connection_saved',
    targetType: 'connection',
    targetId: input.name,
    before: { set: before?.set ?? false, lastFour: before?.lastFour ?? null },
    after: { set: true, lastFour },
  });
  await refresh(connections, input.name);
  return { name: input.name, set: true, lastFour };
}

export async function deleteConnection(services: Services, actorUserId: string, input: z.infer<typeof connectionNameInput>) {
  const connections = connectionsOf(services);
  const before = (await connections.store.status()).find((c) => c.name === input.name);
  await connections.store.delete(input.name);
  await recordAuditEvent(services.db.prisma, {
    actorUserId,
    action: 'platform.connection_deleted',
    targetType: 'connection',
    targetId: input.name,
    before: { set: before?.set ?? false, lastFour: before?.lastFour ?? null },
    after: { set: false },
  });
  await refresh(connections, input.name);
  return { name: input.name, set: false };
}

async function refresh(connections: NonNullable<Services['connections']>, name: ConnectionName) {
  if (name.startsWith('stripe.')) await connections.refreshStripe();
}

/** A real call with the stored key: Stripe's balance. Answers ok or Stripe's reason, never the key. */
export async function testConnection(services: Services, input: z.infer<typeof connectionNameInput>) {
  const connections = connectionsOf(services);
  if (input.name !== 'stripe.secret_key') {
    throw new AppError('BAD_REQUEST', 'Only the Stripe secret key can be tested; the webhook secret is checked when Stripe delivers an event.', { field: 'name' });
  }
  const secretKey = await connections.store.get('stripe.secret_key');
  if (!secretKey) throw new AppError('PRECONDITION_FAILED', 'No Stripe secret key is set: save one first.');
  await loadStripeSdk();
  const stripe = createStripeClient({ secretKey, apiBase: connections.stripeApiBase, maxNetworkRetries: 1, timeoutMs: 10_000 });
  try {
    const balance = await stripe.balance.retrieve();
    return { ok: true as const, livemode: balance.livemode, message: `Stripe accepted the key ending ${lastFourOf(secretKey)} (${balance.livemode ? 'live' : 'test'} mode).` };
  } catch (error) {
    const e = error as { statusCode?: number; type?: string };
    const reason =
      e.statusCode === 401
        ? `Stripe refused the key ending ${lastFourOf(secretKey)}: it is invalid or was revoked. Replace it with a current key from the Stripe dashboard.`
        : e.statusCode === 403
          ? `The key ending ${lastFourOf(secretKey)} lacks permission to read the balance: a restricted key needs at least Balance read access.`
          : `Stripe could not be reached (${e.type ?? 'network error'}); try again.`;
    return { ok: false as const, livemode: null, message: reason };
  }
}
