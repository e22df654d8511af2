// The one place a `stripe` SDK client is built: the API version pinned to the SDK's own (its
// types describe exactly that version), retries with backoff for network errors, 409s and 5xx
// (the SDK adds an Idempotency-Key to every POST, so a retry cannot apply twice), a timeout, and
// an API base override that points tests at the stand-in. The key never leaves this object.
// The SDK must be loaded first (await loadStripeSdk()): it is not imported at start-up.
import type Stripe from 'stripe';
import { stripeSdk } from './stripe-sdk';

/** The API version this code is written against: stripe 23.1.0's own. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

export interface StripeClientOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:4567 for the stand-in; Stripe's API when absent. */
  apiBase?: string;
  timeoutMs?: number;
  maxNetworkRetries?: number;
}

export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  if (base && base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`Stripe API base must be http(s), not ${base.protocol}`);
  const StripeClient = stripeSdk(); // loaded lazily: see stripe-sdk.ts
  return new StripeClient(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: options.maxNetworkRetries ?? 3,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    appInfo: { name: 'Meterdesk' },
    ...(base
      ? { host: base.hostname, port: base.port || (base.protocol === 'https:' ? 443 : 80), protocol: base.protocol.slice(0, -1) as 'http' | 'https' }
      : {}),
  });
}
