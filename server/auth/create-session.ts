import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { AuthPolicy } from './auth-policy';
import { newToken } from './session-tokens';

type Prisma = Database['prisma'];

export interface CreatedSession {
  token: string;
  expiresAt: Date;
}

export async function createSession(
  prisma: Pick<Prisma, 'session'>,
  input: { userId: string; remember: boolean; activeOrganizationId?: string | null; userAgent?: string | null },
  deps: { clock: Clock; policy: AuthPolicy },
): Promise<CreatedSession> {
  const { token, hash } = newToken('mds');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + (input.remember ? deps.policy.rememberedSessionMs : deps.policy.sessionMs));
  await prisma.session.create({
    data: {
      userId: input.userId,
      tokenHash: hash,
      activeOrganizationId: input.activeOrganizationId ?? null,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    },
  });
  return { token, expiresAt };
}
