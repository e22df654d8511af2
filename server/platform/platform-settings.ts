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

const TRIAL = 'trial';
export const TRIAL_END_BEHAVIORS = ['cancel', 'create_invoice', 'pause'] as const;
/** Stripe accepts trial_period_days up to 730. */
export const trialSettingsInput = z.object({
  trialDays: z.number().int().min(0, 'Trial days cannot be negative.').max(730, 'Stripe allows at most 730 trial days.'),
  trialEndWithoutPaymentMethod: z.enum(TRIAL_END_BEHAVIORS),
});
export type TrialSettings = z.infer<typeof trialSettingsInput>;
export const DEFAULT_TRIAL_SETTINGS: TrialSettings = { trialDays: 14, trialEndWithoutPaymentMethod: 'cancel' };

/**
 * Trial offered at checkout (0 = none) and what Stripe does when it ends without a payment method.
 * The first-run wizard records the default (14 days, cancel); a database set up before the setting
 * existed has no row and keeps checkout without a trial until a super admin sets one.
 */
export async function getTrialSettings(db: Pick<Database, 'prisma'>): Promise<TrialSettings> {
  const row = await db.prisma.platformSetting.findUnique({ where: { key: TRIAL } });
  const parsed = trialSettingsInput.safeParse(row?.value);
  return parsed.success ? parsed.data : { trialDays: 0, trialEndWithoutPaymentMethod: 'cancel' };
}

export async function recordDefaultTrialSettings(tx: Prisma.TransactionClient, now: Date) {
  await tx.platformSetting.upsert({ where: { key: TRIAL }, create: { key: TRIAL, value: DEFAULT_TRIAL_SETTINGS, updatedAt: now }, update: {} });
}

export async function setTrialSettings(db: Database, actorUserId: string, input: TrialSettings, now: Date) {
  return db.prisma.$transaction(async (tx) => {
    const before = await getTrialSettings({ prisma: tx } as Pick<Database, 'prisma'>);
    await tx.platformSetting.upsert({
      where: { key: TRIAL },
      create: { key: TRIAL, value: input, updatedById: actorUserId, updatedAt: now },
      update: { value: input, updatedById: actorUserId, updatedAt: now },
    });
    await recordAuditEvent(tx, { actorUserId, action: 'platform.trial_settings', targetType: 'platform', before, after: input });
    return input;
  });
}
