// The plan lab's versions half (issue 14): plans and their versions, drafts, comparison,
// publication and migration of tenants between versions. Reading needs platform:plans:read (every
// staff role); changing needs platform:plans:manage (super admins and finance).
import { z } from 'zod';
import { comparePlanVersions, comparePlanVersionsInput } from '../../plan-lab/compare-plan-versions';
import { createPlanDraft, createPlanDraftInput, versionNumber } from '../../plan-lab/create-plan-draft';
import { listPlanSubscribers, listPlanSubscribersInput } from '../../plan-lab/list-plan-subscribers';
import { listPlanVersions } from '../../plan-lab/list-plan-versions';
import { migrateTenantsInput, migrateTenantsToVersion } from '../../plan-lab/migrate-tenants-to-version';
import { PLAN_KEYS } from '../../plan-lab/plan-terms-schema';
import { findPlanVersion } from '../../plan-lab/plan-versions';
import { publishPlanVersion, publishPlanVersionInput } from '../../plan-lab/publish-plan-version';
import { savePlanDraft, savePlanDraftInput } from '../../plan-lab/save-plan-draft';
import { platformProcedure, router } from '../trpc';

export const planLabRouter = router({
  overview: platformProcedure('platform:plans:read').query(({ ctx }) => listPlanVersions(ctx.db)),
  version: platformProcedure('platform:plans:read')
    .input(z.strictObject({ planKey: z.enum(PLAN_KEYS), version: versionNumber }))
    .query(({ ctx, input }) => findPlanVersion(ctx.db, input.planKey, input.version)),
  compare: platformProcedure('platform:plans:read').input(comparePlanVersionsInput).query(({ ctx, input }) => comparePlanVersions(ctx.db, input)),
  subscribers: platformProcedure('platform:plans:read').input(listPlanSubscribersInput).query(({ ctx, input }) => listPlanSubscribers(ctx.db, input)),
  createDraft: platformProcedure('platform:plans:manage').input(createPlanDraftInput).mutation(({ ctx, input }) => createPlanDraft(ctx.db, ctx.user.id, input, ctx.clock)),
  saveDraft: platformProcedure('platform:plans:manage').input(savePlanDraftInput).mutation(({ ctx, input }) => savePlanDraft(ctx.db, ctx.user.id, input, ctx.clock)),
  publish: platformProcedure('platform:plans:manage').input(publishPlanVersionInput).mutation(({ ctx, input }) => publishPlanVersion(ctx, ctx.user.id, input)),
  migrate: platformProcedure('platform:plans:manage').input(migrateTenantsInput).mutation(({ ctx, input }) => migrateTenantsToVersion(ctx, ctx.user.id, input)),
});
