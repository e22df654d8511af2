// Where Stripe events come from and how they are read back: a `stripe` client (to poll events and
// re-read the objects they name) and, in server mode, the webhook signing secret. Server mode and
// the CLI read STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET; the keychain-backed credential store
// (server/credentials) supplies them on the desktop. Neither secret is ever logged or stored.
import type Stripe from 'stripe';
import { AppError } from '../../errors';
import { createStripeClient, type StripeClientOptions } from './stripe-client';
import { stripeOptionsFromEnvironment } from './stripe-config';

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

/** From the environment in server mode; null when no Stripe secret key is configured. */
export function stripeEventSourceOptionsFromEnvironment(env: NodeJS.ProcessEnv): StripeEventSourceOptions | null {
  if (!env.STRIPE_SECRET_KEY?.trim()) return null;
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim() || null;
  if (webhookSecret && !/^whsec_[A-Za-z0-9_]+$/.test(webhookSecret)) {
    throw new AppError('BAD_REQUEST', `STRIPE_WEBHOOK_SECRET (ending …${webhookSecret.slice(-4)}) is not a Stripe webhook signing secret (whsec_…).`);
  }
  return { client: stripeOptionsFromEnvironment(env), webhookSecret };
}
