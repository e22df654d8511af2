// Where the Stripe secret key comes from. For now: STRIPE_SECRET_KEY (server mode and the CLI)
// and an API base override (STRIPE_API_BASE or --api-base) that points at the stand-in in tests.
// The app reads the key through server/credentials (environment first, then the keychain).
// Only the last four characters of a key are ever shown.
import { AppError } from '../../errors';
import { lastFourOf, parseSecret } from '../../credentials/credential-store';
import type { StripeClientOptions } from './stripe-client';

export function stripeOptionsFromEnvironment(env: NodeJS.ProcessEnv, overrides: { apiBase?: string } = {}): StripeClientOptions {
  const secretKey = env.STRIPE_SECRET_KEY?.trim();
  if (!secretKey) {
    throw new AppError('PRECONDITION_FAILED', 'No Stripe secret key: set STRIPE_SECRET_KEY to a secret (sk_…) or restricted (rk_…) key.');
  }
  // The same format rule as a key saved in Settings → Connections.
  try {
    parseSecret('stripe.secret_key', secretKey);
  } catch (error) {
    throw new AppError('BAD_REQUEST', `STRIPE_SECRET_KEY (ending ${lastFourOf(secretKey)}): ${(error as Error).message}`);
  }
  const apiBase = overrides.apiBase ?? (env.STRIPE_API_BASE?.trim() || undefined);
  if (apiBase) {
    let url: URL;
    try {
      url = new URL(apiBase);
    } catch {
      throw new AppError('BAD_REQUEST', `The Stripe API base "${apiBase}" is not a URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('BAD_REQUEST', `The Stripe API base must be http or https, not ${url.protocol}`);
  }
  return { secretKey, ...(apiBase ? { apiBase } : {}) };
}
