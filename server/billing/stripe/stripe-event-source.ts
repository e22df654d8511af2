// Where Stripe events come from and how they are read back: a `stripe` client (to poll events and
// re-read the objects they name) and the webhook signing secret. Both come through the credential
// store (server/credentials/stripe-connection.ts: the environment where set, else the OS keychain).
// Neither secret is ever logged or stored.
import type Stripe from 'stripe';
import { createStripeClient, type StripeClientOptions } from './stripe-client';

export interface StripeEventSource {
  stripe: Stripe;
  /** whsec_…; null: webhooks are refused (polling still works). */
  webhookSecret: string | null;
}

export interface StripeEventSourceOptions {
  client: StripeClientOptions;
  webhookSecret?: string | null;
}

export function createStripeEventSource(options: StripeEventSourceOptions): StripeEventSource {
  return { stripe: createStripeClient(options.client), webhookSecret: options.webhookSecret ?? null };
}
