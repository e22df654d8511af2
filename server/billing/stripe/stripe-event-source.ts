// Where Stripe events come from and how they are read back: a `stripe` client (to poll events and
// re-read the objects they name), the webhook signing secret, and the provider whose handleEvent
// verifies and parses webhook deliveries with them. Both secrets come through the credential
// store (server/credentials/stripe-connection.ts: the environment where set, else the OS
// keychain). Neither secret is ever logged or stored.
import type Stripe from 'stripe';
import type { BillingProvider } from '../billing-provider';
import { createStripeClient, type StripeClientOptions } from './stripe-client';
import { StripeProvider } from './stripe-provider';

export interface StripeEventSource {
  stripe: Stripe;
  /** whsec_…; null: webhooks are refused (polling still works). */
  webhookSecret: string | null;
  /** Verifies a webhook delivery with webhookSecret and parses it (the one code path for deliveries). */
  events: Pick<BillingProvider, 'handleEvent'>;
}

export interface StripeEventSourceOptions {
  client: StripeClientOptions;
  webhookSecret?: string | null;
}

export function createStripeEventSource(options: StripeEventSourceOptions): StripeEventSource {
  const stripe = createStripeClient(options.client);
  const webhookSecret = options.webhookSecret ?? null;
  return { stripe, webhookSecret, events: new StripeProvider({ ...options.client, webhookSecret }, stripe) };
}
