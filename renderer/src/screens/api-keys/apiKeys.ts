// API keys as the console shows them: what each scope allows, a key's state, and a request to
// try a new key with.
import { API_KEY_SCOPES, type ApiKeyScope } from '../../../../server/api-keys/api-key-scopes';
import type { RouterOutputs } from '../../lib/me';
import { isDesktop } from '../../trpc';

export type ApiKey = RouterOutputs['apiKeys']['list'][number];
export type CreatedApiKey = RouterOutputs['apiKeys']['create'];
export { API_KEY_SCOPES, type ApiKeyScope };

export const SCOPE_INFO: Record<ApiKeyScope, { description: string; color: string }> = {
  'usage:write': { description: 'Record usage events and reserve, commit or release quota.', color: 'violet' },
  'usage:read': { description: 'Check limits and read the usage summary and plan features.', color: 'blue' },
  'sms:send': { description: 'Send SMS through Meterdesk on this organization’s behalf.', color: 'teal' },
};

export function scopeColor(scope: string): string {
  return SCOPE_INFO[scope as ApiKeyScope]?.color ?? 'gray';
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

export function keyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: number = Date.now()): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

/** How a key is recognized without its secret: `mdk_<prefix>_…`. */
export function maskedKey(prefix: string): string {
  return `mdk_${prefix}_…`;
}

/** Where the usage API answers: this very server in browser mode, else `npm run serve`'s default. */
export function usageApiBaseUrl(): string {
  const { protocol, origin } = window.location;
  return !isDesktop() && (protocol === 'http:' || protocol === 'https:') ? origin : 'http://127.0.0.1:4873';
}

/** A request to paste into a terminal: one usage event, or the summary for a read-only key. */
export function curlExample(key: string, scopes: readonly string[], baseUrl: string): string | null {
  if (scopes.includes('usage:write')) {
    const body = JSON.stringify({ metric: 'sms_sent', quantity: 1, idempotencyKey: 'msg-0001' });
    return [
      `curl -X POST '${baseUrl}/v1/usage/events' \\`,
      `  -H 'Authorization: Bearer ${key}' \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -d '${body}'`,
    ].join('\n');
  }
  if (scopes.includes('usage:read')) {
    return [`curl '${baseUrl}/v1/usage/summary' \\`, `  -H 'Authorization: Bearer ${key}'`].join('\n');
  }
  return null;
}
