import type { Prisma } from '../db/generated/client';
import type { AppServices } from '../api/trpc';
import { newToken } from './session-tokens';

/** The console link that opens a reset: the browser console when served, else a desktop deep link. */
export function passwordResetLink(services: Pick<AppServices, 'consoleUrl'>, token: string) {
  return services.consoleUrl ? `${services.consoleUrl.replace(/\/?$/, '/')}#/reset-password/${token}` : `meterdesk://reset-password/${token}`;
}

/** Creates a reset row (only the token's hash is kept) inside the caller's transaction; the token goes to the link. */
export async function issuePasswordReset(tx: Prisma.TransactionClient, input: { userId: string; issuedById?: string | null; now: Date; ttlMs: number }) {
  const { token, hash } = newToken('mdr');
  const expiresAt = new Date(input.now.getTime() + input.ttlMs);
  await tx.passwordReset.create({ data: { userId: input.userId, tokenHash: hash, issuedById: input.issuedById ?? null, createdAt: input.now, expiresAt } });
  return { token, expiresAt };
}
