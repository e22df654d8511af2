// Use case (platform staff, finance): save a draft's terms. Only drafts change: a published
// version is refused here in words (and by the plan_versions trigger underneath). A rejected input
// writes nothing. Seat prices are the version's own: publishing syncs them under the version's
// seat lookup keys.
import { z } from 'zod';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { Prisma } from '../db/generated/client';
import { AppError } from '../errors';
import { planVersionNote, versionNumber } from './create-plan-draft';
import { draftTermsSchema, PLAN_KEYS, termsFromDraft } from './plan-terms-schema';
import { findPlanVersion } from './plan-versions';

export const savePlanDraftInput = z.strictObject({
  planKey: z.enum(PLAN_KEYS, { error: 'Choose one of the plans: free, starter, growth, pro or enterprise.' }),
  version: versionNumber,
  terms: draftTermsSchema,
  note: planVersionNote.optional(),
});

export async function savePlanDraft(db: Database, actorUserId: string, input: z.output<typeof savePlanDraftInput>, clock: Clock) {
  const current = await findPlanVersion(db, input.planKey, input.version);
  if (current.status !== 'draft') throw immutable(input.planKey, input.version);
  const terms = termsFromDraft(input.planKey, input.version, input.terms);
  return db.prisma.$transaction(async (tx) => {
    // Conditional on still being a draft: a publish that got in first wins, and this save is refused.
    const updated = await tx.planVersion.updateMany({
      where: { planKey: input.planKey, version: input.version, status: 'draft' },
      data: { terms: terms as unknown as Prisma.InputJsonValue, overagePolicy: terms.overagePolicy, ...(input.note !== undefined ? { note: input.note } : {}), updatedAt: clock.now() },
    });
    if (updated.count === 0) throw immutable(input.planKey, input.version);
    await recordAuditEvent(tx, { actorUserId, action: 'plan_lab.draft_saved', targetType: 'plan_version', targetId: `${input.planKey}/v${input.version}`, before: current.terms, after: terms });
    return { planKey: input.planKey, version: input.version, status: 'draft' as const, terms };
  });
}

export function immutable(planKey: string, version: number) {
  return new AppError('CONFLICT', `Version ${version} of the ${planKey} plan is published and cannot change: start a new draft from it instead.`, { field: 'version' });
}
