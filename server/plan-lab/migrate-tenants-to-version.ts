// Use case (platform staff, finance): move tenants from their version of a plan to another
// published version — chosen tenants or every subscriber (optionally only those on one version),
// now or at each tenant's next renewal.
//
// Through the billing provider for tenants billed there: now, the subscription's plan price is
// switched to the version's price with proration (as an owner's plan change); at renewal, a
// subscription schedule switches it at the period end (as change-plan's period-end path), and the
// mirror moves the tenant's version when Stripe has switched the price. Tenants billed outside the
// provider have their local row changed (at renewal: when their period ends, by a background job).
//
// Each tenant moves once: a plan_version_migrations row per (tenant, plan, target version) is
// claimed before anything is sent, so a bulk migration run twice, or by two consoles at once, moves
// every tenant once; only a failed attempt can be claimed again. Every move is audited in the
// tenant's trail with the reason.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { BillingProvider, PlanChangeResult } from '../billing/billing-provider';
import { LIVE_PROVIDER_STATUSES } from '../billing/platform-billing-action';
import type { BillingInterval } from '../billing/plan-catalog';
import { applyStripeObjectNow, type StripeEventContext } from '../billing/process-stripe-event';
import type { StripeEventSource } from '../billing/stripe/stripe-event-source';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { logUnexpectedError } from '../logging/log-error';
import { plainText } from '../validation/text';
import { versionNumber } from './create-plan-draft';
import { PLAN_KEYS } from './plan-terms-schema';
import { findPlanVersion, versionTarget } from './plan-versions';

export const migrateTenantsInput = z.strictObject({
  planKey: z.enum(PLAN_KEYS, { error: 'Choose one of the plans: free, starter, growth, pro or enterprise.' }),
  toVersion: versionNumber,
  tenants: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('chosen'), organizationIds: z.array(z.uuid('Tenants are named by their organization id.')).min(1, 'Choose at least one tenant.').max(500, 'Migrate at most 500 chosen tenants at once; use “every subscriber” for more.') }),
    /** Every subscriber of the plan not on the target version yet; fromVersion narrows to one version. */
    z.strictObject({ kind: z.literal('all'), fromVersion: versionNumber.optional() }),
  ]),
  when: z.enum(['now', 'at_renewal'], { error: 'Migrate now or at renewal.' }),
  reason: plainText({ multiline: true }).trim().min(3, 'Say why (3 to 500 characters): it is kept in each tenant’s audit trail.').max(500, 'Keep the reason under 500 characters.'),
});

export type MigrationOutcome = 'moved' | 'scheduled' | 'already' | 'failed';

export interface MigrateServices {
  db: Database;
  clock: Clock;
  billingProvider: BillingProvider | null;
  stripeEvents?: StripeEventSource | null;
}

interface Candidate {
  organization_id: string;
  name: string;
  plan_version: number;
  provider_subscription_id: string | null;
  provider_status: string | null;
  billing_interval: string | null;
  current_period_end: Date | null;
  billing_anchor: Date | null;
}

export async function migrateTenantsToVersion(services: MigrateServices, actorUserId: string, input: z.output<typeof migrateTenantsInput>) {
  const { db } = services;
  const target = await findPlanVersion(db, input.planKey, input.toVersion);
  if (target.status !== 'published') {
    throw new AppError('PRECONDITION_FAILED', `Version ${input.toVersion} of the ${input.planKey} plan is a ${target.status}: only a published version can take subscribers.`, { field: 'toVersion' });
  }
  const chosen = input.tenants.kind === 'chosen' ? [...new Set(input.tenants.organizationIds)] : null;
  const candidates = await db.query<Candidate>(
    `select s.organization_id, o.name, s.plan_version, s.provider_subscription_id, s.provider_status, s.billing_interval, s.current_period_end, s.billing_anchor
       from subscriptions s join organizations o on o.id = s.organization_id
      where s.plan_key = $1 and s.plan_version <> $2 and s.status <> 'canceled'
        and ($3::uuid[] is null or s.organization_id = any ($3::uuid[]))
        and ($4::int is null or s.plan_version = $4)
      order by o.slug`,
    [input.planKey, input.toVersion, chosen, input.tenants.kind === 'all' ? (input.tenants.fromVersion ?? null) : null],
  );
  const runId = randomUUID();
  const results: Array<{ organizationId: string; name: string; fromVersion: number; outcome: MigrationOutcome; effectiveAt?: Date; error?: string }> = [];
  for (const c of candidates) {
    results.push({ organizationId: c.organization_id, name: c.name, fromVersion: c.plan_version, ...(await migrateOne(services, actorUserId, input, target.terms, runId, c)) });
  }
  // Chosen tenants that are not subscribers of the plan (or already on the version) are named, not touched.
  const skipped = chosen ? chosen.filter((id) => !candidates.some((c) => c.organization_id === id)) : [];
  const count = (o: MigrationOutcome) => results.filter((r) => r.outcome === o).length;
  return { runId, planKey: input.planKey, toVersion: input.toVersion, when: input.when, moved: count('moved'), scheduled: count('scheduled'), already: count('already'), failed: count('failed'), skipped, results };
}

async function migrateOne(
  services: MigrateServices,
  actorUserId: string,
  input: z.output<typeof migrateTenantsInput>,
  terms: Awaited<ReturnType<typeof findPlanVersion>>['terms'],
  runId: string,
  c: Candidate,
): Promise<{ outcome: MigrationOutcome; effectiveAt?: Date; error?: string }> {
  const { db, clock } = services;
  const now = clock.now();
  // The claim: a new row, or a failed one taken over. Anything else means another run has it.
  const [claim] = await db.query<{ id: string; attempts: number }>(
    `insert into plan_version_migrations (organization_id, id, plan_key, from_version, to_version, mode, status, run_id, created_by_id, created_at, updated_at)
     values ($1, gen_random_uuid(), $2, $3, $4, $5::"PlanMigrationMode", 'pending', $6, $7, $8, $8)
     on conflict (organization_id, plan_key, to_version) do update
        set status = 'pending', run_id = excluded.run_id, mode = excluded.mode, from_version = excluded.from_version, error = null,
            attempts = plan_version_migrations.attempts + 1, updated_at = excluded.updated_at
      where plan_version_migrations.status = 'failed'
     returning id, attempts`,
    [c.organization_id, input.planKey, c.plan_version, input.toVersion, input.when, runId, actorUserId, now],
  );
  if (!claim) return { outcome: 'already' };

  const live = c.provider_subscription_id && LIVE_PROVIDER_STATUSES.has(c.provider_status ?? '') ? c.provider_subscription_id : null;
  let outcome: 'moved' | 'scheduled';
  let effectiveAt: Date;
  let providerRef: string | null = null;
  try {
    if (live) {
      if (!services.billingProvider) throw new AppError('PRECONDITION_FAILED', 'Billing is not set up on this server: this tenant is billed through Stripe.');
      const interval = (c.billing_interval === 'year' ? 'year' : 'month') as BillingInterval;
      const activeMembers = await db.prisma.membership.count({ where: { organizationId: c.organization_id, status: 'active' } });
      let result: PlanChangeResult | null = null;
      try {
        result = await services.billingProvider.changePlan({
          subscriptionId: live,
          planKey: input.planKey,
          interval,
          activeMembers,
          planVersion: versionTarget(terms) ?? { version: 1, includedSeats: terms.includedSeats, overagePolicy: terms.overagePolicy, intervals: ['month', 'year'] },
          when: input.when === 'now' ? 'now' : 'period_end',
          // Per tenant, target and attempt: a retried request applies once at Stripe.
          operationId: `pv:${c.organization_id}:${input.planKey}:${input.toVersion}:${claim.attempts}`,
        });
      } catch (error) {
        // Stripe already has the subscription on (or scheduled to) that version: nothing left to send.
        if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
      }
      if (result?.effective === 'period_end') {
        outcome = 'scheduled';
        effectiveAt = result.effectiveAt;
        providerRef = result.scheduleId;
      } else {
        outcome = input.when === 'now' ? 'moved' : 'scheduled';
        effectiveAt = input.when === 'now' ? now : (c.current_period_end ?? now);
        providerRef = result?.effective === 'now' ? result.invoiceId : null;
        // The mirror follows the new price at once, the way the event will.
        if (input.when === 'now' && services.stripeEvents) {
          const ctx: StripeEventContext = { db, stripe: services.stripeEvents.stripe, clock };
          await applyStripeObjectNow(ctx, { type: 'customer.subscription.updated', id: live }, c.organization_id);
        }
      }
    } else if (input.when === 'now') {
      await db.prisma.subscription.updateMany({ where: { organizationId: c.organization_id, planKey: input.planKey }, data: { planVersion: input.toVersion } });
      outcome = 'moved';
      effectiveAt = now;
    } else {
      // Billed outside the provider: the period ends at the next anniversary of the anchor.
      const [row] = await db.query<{ end: Date }>(`select meterdesk_period_end($1::timestamptz, meterdesk_period_start($1::timestamptz, $2::timestamptz)) as "end"`, [c.billing_anchor, now]);
      outcome = 'scheduled';
      effectiveAt = new Date(row!.end);
    }
  } catch (error) {
    const message = error instanceof AppError ? error.message : 'The billing provider could not be reached; try this tenant again.';
    if (!(error instanceof AppError)) logUnexpectedError(`plan-lab migrate tenant ${c.organization_id}`, error);
    await db.prisma.$transaction(async (tx) => {
      await tx.planVersionMigration.update({ where: { organizationId_id: { organizationId: c.organization_id, id: claim.id } }, data: { status: 'failed', error: message, updatedAt: clock.now() } });
      await recordAuditEvent(tx, {
        organizationId: c.organization_id, actorUserId, action: 'plan_lab.tenant_migration_failed', targetType: 'subscription', targetId: c.organization_id,
        before: { planKey: input.planKey, version: c.plan_version }, after: { version: input.toVersion, when: input.when, error: message, runId }, reason: input.reason,
      });
    });
    return { outcome: 'failed', error: message };
  }
  // A move done now may already have been completed by the mirror (scheduled → done); keep the later state.
  await db.prisma.$transaction(async (tx) => {
    await tx.planVersionMigration.updateMany({
      where: { organizationId: c.organization_id, id: claim.id, status: 'pending' },
      data: { status: outcome === 'moved' ? 'done' : 'scheduled', effectiveAt, providerRef, updatedAt: clock.now() },
    });
    await recordAuditEvent(tx, {
      organizationId: c.organization_id, actorUserId, action: 'plan_lab.tenant_migrated', targetType: 'subscription', targetId: live ?? c.organization_id,
      before: { planKey: input.planKey, version: c.plan_version },
      after: { planKey: input.planKey, version: input.toVersion, when: input.when, outcome, effectiveAt: effectiveAt.toISOString(), via: live ? 'stripe' : 'local', runId },
      reason: input.reason,
    });
  });
  return { outcome, effectiveAt };
}

/**
 * Completes migrations at renewal: tenants billed outside the provider whose period has ended move
 * to their target version (the mirror moves the provider's when Stripe switches the price).
 * Background job `apply-due-plan-migrations`; safe from several processes (row locks, SKIP LOCKED).
 */
export async function applyDuePlanMigrations(db: Database, clock: Clock): Promise<number> {
  const rows = await db.query<{ organization_id: string }>(
    `with due as (
       select m.organization_id, m.id, m.plan_key, m.to_version from plan_version_migrations m
        where m.status = 'scheduled' and m.effective_at <= $1
          and not exists (select 1 from subscriptions s where s.organization_id = m.organization_id and s.provider_subscription_id is not null
                            and s.provider_status in ('trialing', 'active', 'past_due', 'unpaid', 'incomplete', 'paused'))
        for update of m skip locked),
     moved as (
       update subscriptions s set plan_version = due.to_version, updated_at = $1
         from due where s.organization_id = due.organization_id and s.plan_key = due.plan_key
       returning s.organization_id)
     update plan_version_migrations m set status = 'done', updated_at = $1
       from due where m.organization_id = due.organization_id and m.id = due.id
     returning m.organization_id`,
    [clock.now()],
  );
  return rows.length;
}
