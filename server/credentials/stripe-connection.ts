// Builds Stripe's provider and event source from the credential store (environment first in server
// mode, then the keychain), and rebuilds them when a connection is saved or deleted, so the console
// needs no restart. A malformed stored value leaves Stripe off with a message naming its last four.
import type { AppServices } from '../api/trpc';
import { StripeProvider } from '../billing/stripe/stripe-provider';
import { createStripeEventSource } from '../billing/stripe/stripe-event-source';
import type { StripeClientOptions } from '../billing/stripe/stripe-client';
import { loadStripeSdk } from '../billing/stripe/stripe-sdk';
import { CredentialStore, lastFourOf, parseSecret } from './credential-store';

export interface Connections {
  store: CredentialStore;
  /** STRIPE_API_BASE (the stand-in in tests); Stripe's API when undefined. */
  stripeApiBase?: string;
  /** Re-reads the Stripe connection into services.billingProvider and services.stripeEvents. */
  refreshStripe(): Promise<void>;
  /** Set while background jobs run: restarts them so overage, seats and polling use the new Stripe. */
  afterStripeChange?: () => Promise<void>;
  /** Rebuilds the mailer after the SMTP connection changed (set by server/app.ts). */
  refreshMailer?: () => Promise<void>;
}

export async function stripeClientOptions(store: CredentialStore, apiBase?: string): Promise<{ client: StripeClientOptions; webhookSecret: string | null } | null> {
  const key = await store.get('stripe.secret_key');
  if (!key) return null;
  let secretKey: string;
  try {
    secretKey = parseSecret('stripe.secret_key', key);
  } catch (error) {
    console.error(`Billing with Stripe is off: the Stripe secret key (ending ${lastFourOf(key)}) is malformed: ${(error as Error).message}`);
    return null;
  }
  const rawWebhook = await store.get('stripe.webhook_secret');
  let webhookSecret: string | null = null;
  if (rawWebhook) {
    try {
      webhookSecret = parseSecret('stripe.webhook_secret', rawWebhook);
    } catch {
      console.error(`Stripe webhooks are off: the webhook signing secret (ending ${lastFourOf(rawWebhook)}) is not whsec_….`);
    }
  }
  return { client: { secretKey, ...(apiBase ? { apiBase } : {}) }, webhookSecret };
}

export function createConnections(services: Pick<AppServices, 'billingProvider' | 'stripeEvents'>, store: CredentialStore, apiBase?: string): Connections {
  const connections: Connections = {
    store,
    stripeApiBase: apiBase,
    async refreshStripe() {
      const options = await stripeClientOptions(store, connections.stripeApiBase);
      if (options) await loadStripeSdk(); // only now: see stripe-sdk.ts
      services.billingProvider = options ? new StripeProvider(options.client) : null;
      services.stripeEvents = options ? createStripeEventSource(options) : null;
      await connections.afterStripeChange?.();
    },
  };
  return connections;
}
