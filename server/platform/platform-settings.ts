// Settings of the whole platform, in the database so every console sharing it agrees.
import { z } from 'zod';
import type { Prisma } from '../db/generated/client';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';

const INVITE_ONLY = 'invite_only';

/**
 * Whether only invitations create accounts (sign-up refused). The first-run wizard records the
 * default: on for a shared PostgreSQL database, off for the embedded one; a database set up before
 * the setting existed has no row and keeps sign-up open until a super admin turns it on.
 */
export async function isInviteOnly(db: Pick<Database, 'prisma'> | { prisma: Prisma.TransactionClient }): Promise<boolean> {
  const row = await db.prisma.platformSetting.findUnique({ where: { key: INVITE_ONLY } });
  return row?.value === true;
}

export async function recordDefaultInviteOnly(tx: Prisma.TransactionClient, kind: Database['kind'], now: Date) {
  await tx.platformSetting.upsert({ where: { key: INVITE_ONLY }, create: { key: INVITE_ONLY, value: kind === 'postgres', updatedAt: now }, update: {} });
}

export const setInviteOnlyInput = z.object({ inviteOnly: z.boolean() });

export async function setInviteOnly(db: Database, actorUserId: string, input: z.infer<typeof setInviteOnlyInput>, now: Date) {
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.platformSetting.findUnique({ where: { key: INVITE_ONLY } });
    await tx.platformSetting.upsert({
      where: { key: INVITE_ONLY },
      create: { key: INVITE_ONLY, value: input.inviteOnly, updatedById: actorUserId, updatedAt: now },
      update: { value: input.inviteOnly, updatedById: actorUserId, updatedAt: now },
    });
    await recordAuditEvent(tx, { actorUserId, action: 'platform.invite_only', targetType: 'platform', before: { inviteOnly: before?.value === true }, after: { inviteOnly: input.inviteOnly } });
    return { inviteOnly: input.inviteOnly };
  });
}
