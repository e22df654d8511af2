import { z } from 'zod';
import type { Database } from '../db/open-database';
import { emailSchema } from '../auth/validation';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';

export const updateBillingProfileInput = z.object({
  billingEmail: emailSchema.nullable().optional(),
  billingCountry: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Use the two-letter country code, like US, DE or IN.')
    .nullable()
    .optional(),
  customerType: z.enum(['business', 'individual']).optional(),
});

const BILLING_SELECT = { billingEmail: true, billingCountry: true, customerType: true } as const;

/** Where invoices go and how tax applies (seed 001 §3.4): owners only. */
export async function updateBillingProfile(db: Database, actor: Actor, input: z.infer<typeof updateBillingProfileInput>) {
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: BILLING_SELECT });
    const after = await tx.organization.update({ where: { id: actor.organizationId }, data: input, select: BILLING_SELECT });
    await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'organization.billing_profile_change', targetType: 'organization', targetId: actor.organizationId, before, after });
    return after;
  });
}
