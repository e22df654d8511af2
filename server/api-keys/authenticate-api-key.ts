import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { hashToken } from '../auth/session-tokens';
import type { ApiKeyScope } from './api-key-scopes';

export interface ApiKeyIdentity {
  apiKeyId: string;
  organizationId: string;
  prefix: string;
  scopes: ApiKeyScope[];
}

const CACHE_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves `Authorization: Bearer mdk_…` to its organization and scopes. Verified keys are cached
 * for a few seconds, so the hot path does not query per request; a revocation takes effect on every
 * server within that time. last_used_at is written at most once a minute per key.
 */
export function createApiKeyAuthenticator(db: Database, clock: Clock) {
  const cache = new Map<string, { identity: ApiKeyIdentity | null; checkedAt: number }>();
  const touched = new Map<string, number>();
  return async function authenticate(authorization: string | undefined): Promise<ApiKeyIdentity | null> {
    const key = /^Bearer\s+(mdk_[A-Za-z0-9_-]{10,200})$/.exec(authorization ?? '')?.[1];
    if (!key) return null;
    const hash = hashToken(key);
    const now = clock.now();
    const cached = cache.get(hash);
    if (cached && now.getTime() - cached.checkedAt < CACHE_MS) return cached.identity;
    // The one global read (key hash → organization), then the key by its tenant's key, where the
    // hash is checked again: a lookup row can never open another key (server/db/distribution.ts).
    const lookup = await db.prisma.apiKeyLookup.findUnique({ where: { keyHash: hash } });
    const row = lookup ? await db.prisma.apiKey.findUnique({ where: { organizationId_id: { organizationId: lookup.organizationId, id: lookup.apiKeyId } } }) : null;
    const valid = row && row.keyHash === hash && !row.revokedAt && (!row.expiresAt || row.expiresAt > now);
    const identity = valid ? { apiKeyId: row.id, organizationId: row.organizationId, prefix: row.prefix, scopes: row.scopes as ApiKeyScope[] } : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { identity, checkedAt: now.getTime() });
    if (identity && now.getTime() - (touched.get(identity.apiKeyId) ?? 0) > TOUCH_EVERY_MS) {
      touched.set(identity.apiKeyId, now.getTime());
      await db.prisma.apiKey.update({ where: { organizationId_id: { organizationId: identity.organizationId, id: identity.apiKeyId } }, data: { lastUsedAt: now } });
    }
    return identity;
  };
}
