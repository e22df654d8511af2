import { z } from 'zod';
import type { Database } from '../db/open-database';
import { organizationNameSchema } from '../auth/validation';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';

const MAX_LOGO_BYTES = 256 * 1024;

export const updateOrganizationSettingsInput = z.object({
  name: organizationNameSchema.optional(),
  logoDataUrl: z
    .string()
    .regex(/^data:image\/(png|jpeg|svg\+xml|webp);base64,[A-Za-z0-9+/=]+$/, 'The logo must be a PNG, JPEG, SVG or WebP image.')
    .refine((s) => (s.length * 3) / 4 <= MAX_LOGO_BYTES * 1.02, 'The logo must be at most 256 KB.')
    .nullable()
    .optional(),
  alertThresholds: z
    .array(z.number().int().min(1, 'Thresholds are percentages from 1 to 100.').max(100, 'Thresholds are percentages from 1 to 100.'))
    .min(1, 'Keep at least one alert threshold.')
    .max(10)
    .refine((a) => new Set(a).size === a.length, 'Each threshold once.')
    .optional(),
  contactSharing: z.enum(['shared', 'personal']).optional(),
});

const SETTINGS_SELECT = { name: true, logoDataUrl: true, alertThresholds: true, contactSharing: true } as const;

/** General settings: name, logo, usage alert thresholds, and whether contacts are shared company-wide. */
export async function updateOrganizationSettings(db: Database, actor: Actor, input: z.infer<typeof updateOrganizationSettingsInput>) {
  const data = { ...input, ...(input.alertThresholds ? { alertThresholds: [...input.alertThresholds].sort((a, b) => a - b) } : {}) };
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: SETTINGS_SELECT });
    const after = await tx.organization.update({ where: { id: actor.organizationId }, data, select: SETTINGS_SELECT });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'organization.settings_change',
      targetType: 'organization',
      targetId: actor.organizationId,
      // A logo is kept out of the audit trail: only whether it changed.
      before: { ...before, logoDataUrl: before.logoDataUrl ? 'set' : null },
      after: { ...after, logoDataUrl: after.logoDataUrl ? 'set' : null },
    });
    return after;
  });
}
