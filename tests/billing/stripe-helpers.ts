// Test helpers: a stand-in per test and a provider pointed at it, with the real `stripe` client.
import { StripeProvider } from '../../server/billing/stripe/stripe-provider';
import { createStripeClient } from '../../server/billing/stripe/stripe-client';
import { loadStripeSdk } from '../../server/billing/stripe/stripe-sdk';
import { startStripeStandIn, type StripeStandIn, type StripeStandInOptions } from '../stand-ins/stripe/server';

export async function withStandIn(options: StripeStandInOptions = {}) {
  await loadStripeSdk();
  const standIn = await startStripeStandIn(options);
  const clientOptions = { secretKey: standIn.secretKey, apiBase: standIn.url, maxNetworkRetries: 3, timeoutMs: 5_000 };
  return {
    standIn,
    provider: new StripeProvider(clientOptions),
    stripe: createStripeClient(clientOptions),
    close: () => standIn.close(),
  };
}

export type StandInContext = Awaited<ReturnType<typeof withStandIn>>;
export type { StripeStandIn };
