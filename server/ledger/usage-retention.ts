// How long raw usage events are kept: a platform setting (months, default 25). Past it, whole
// months are archived to a file and their partition dropped (archive-expired-usage-months.ts);
// the daily rollups stay.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';

const KEY = 'usage_retention_months';
export const DEFAULT_USAGE_RETENTION_MONTHS = 25;

// At least 2: events may be recorded up to 35 days late, so the previous month must still be there.
export const usageRetentionInput = z.object({
  months: z.number().int('Retention is a whole number of months.').min(2, 'Keep at least 2 months of usage events.').max(240, 'Keep at most 240 months (20 years).'),
});

export async function getUsageRetentionMonths(db: Pick<Database, 'prisma'>): Promise<number> {
  const row = await db.prisma.platformSetting.findUnique({ where: { key: KEY } });
  const parsed = usageRetentionInput.shape.months.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_USAGE_RETENTION_MONTHS;
}

export async function setUsageRetentionMonths(db: Database, actorUserId: string, input: z.infer<typeof usageRetentionInput>, now: Date) {
  return db.prisma.$transaction(async (tx) => {
    const before = await getUsageRetentionMonths({ prisma: tx } as Pick<Database, 'prisma'>);
    await tx.platformSetting.upsert({
      where: { key: KEY },
      create: { key: KEY, value: input.months, updatedById: actorUserId, updatedAt: now },
      update: { value: input.months, updatedById: actorUserId, updatedAt: now },
    });
    await recordAuditEvent(tx, { actorUserId, action: 'platform.usage_retention', targetType: 'platform', before: { months: before }, after: { months: input.months } });
    return { months: input.months };
  });
}
