// The `stripe` SDK takes about half a second to load, most of a restart's module loading: it is
// imported only when a Stripe key is configured (or a Stripe client is first built), never at
// start-up otherwise. Every file that needs the SDK's values (its client class, its error
// classes) goes through here; types come from `import type Stripe from 'stripe'`, which costs nothing.
import type Stripe from 'stripe';

let sdk: typeof Stripe | null = null;

/** Loads the SDK once; call before building a client (createStripeClient needs it loaded). */
export async function loadStripeSdk(): Promise<typeof Stripe> {
  sdk ??= (await import('stripe')).default;
  return sdk;
}

/** The loaded SDK; a programming error (said plainly) when nothing awaited loadStripeSdk() first. */
export function stripeSdk(): typeof Stripe {
  if (!sdk) throw new Error('The Stripe SDK is not loaded: await loadStripeSdk() before building a Stripe client.');
  return sdk;
}

// Before the SDK is loaded no Stripe error can exist: every class here matches nothing.
const NOTHING_MATCHES = new Proxy({}, { get: () => class { static [Symbol.hasInstance]() { return false; } } }) as unknown as typeof Stripe.errors;

/** The SDK's error classes, for `error instanceof stripeErrors().StripeRateLimitError`. */
export function stripeErrors(): typeof Stripe.errors {
  return sdk?.errors ?? NOTHING_MATCHES;
}
