// Use case (platform staff, finance): start a draft version of a plan from any of its versions.
// The draft gets the next version number; two staff starting drafts at once get two numbers.
import { z } from 'zod';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { Prisma } from '../db/generated/client';
import { AppError } from '../errors';
import { plainText } from '../validation/text';
import { findPlanVersion } from './plan-versions';
import { draftFromTerms, PLAN_KEYS, termsFromDraft } from './plan-terms-schema';

export const versionNumber = z.number({ error: 'The version must be a number.' }).int('The version must be a whole number.').min(1, 'Versions start at 1.').max(999_999, 'No plan has that many versions.');
export const planVersionNote = plainText({ multiline: true }).trim().max(500, 'Keep the note under 500 characters.');

export const createPlanDraftInput = z.strictObject({
  planKey: z.enum(PLAN_KEYS, { error: 'Choose one of the plans: free, starter, growth, pro or enterprise.' }),
  fromVersion: versionNumber,
  note: planVersionNote.optional(),
});

export async function createPlanDraft(db: Database, actorUserId: string, input: z.output<typeof createPlanDraftInput>, clock: Clock) {
  const source = await findPlanVersion(db, input.planKey, input.fromVersion);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.prisma.$transaction(async (tx) => {
        const [row0] = await tx.$queryRawUnsafe<Array<{ next: number }>>(`select coalesce(max(version), 0) + 1 as next from plan_versions where plan_key = $1`, input.planKey);
        const next = row0!.next;
        const terms = termsFromDraft(input.planKey, Number(next), draftFromTerms(source.terms));
        const now = clock.now();
        const row = await tx.planVersion.create({
          data: {
            planKey: input.planKey, version: Number(next), status: 'draft', terms: terms as unknown as Prisma.InputJsonValue, overagePolicy: terms.overagePolicy,
            note: input.note ?? `Draft from version ${input.fromVersion}`, basedOn: input.fromVersion, createdById: actorUserId, createdAt: now, updatedAt: now,
          },
        });
        await recordAuditEvent(tx, { actorUserId, action: 'plan_lab.draft_created', targetType: 'plan_version', targetId: `${input.planKey}/v${row.version}`, after: { basedOn: input.fromVersion, note: row.note } });
        return { planKey: input.planKey, version: row.version, status: row.status, terms };
      });
    } catch (error) {
      // Another draft took the number first: take the next one.
      if ((error as { code?: string }).code === 'P2002' && attempt < 5) continue;
      if ((error as { code?: string }).code === 'P2002') throw new AppError('CONFLICT', 'Too many drafts are being started at once: try again.');
      throw error;
    }
  }
}
