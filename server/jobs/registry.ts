// The app's durable background jobs, registered in one place: each is named for what it does and
// its work lives in its domain's use-case file. Every job is safe to run from every process sharing
// the database at once (their SQL takes row locks or SKIP LOCKED), so each process simply runs
// them on a timer; a run never overlaps the previous run of the same job in this process.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { BillingProvider } from '../billing/billing-provider';
import { enqueueOverage } from '../billing/enqueue-overage';
import { pollStripeEvents } from '../billing/poll-stripe-events';
import type { StripeEventSource } from '../billing/stripe/stripe-event-source';
import { reportOverage } from '../billing/report-overage';
import { syncSeatsWithMembers } from '../billing/sync-seats-with-members';
import { logUnexpectedError } from '../logging/log-error';
import { isDatabaseUnavailable, warnDatabaseUnavailable } from '../db/database-unavailable';
import { expireReservations } from '../metering/settle-reservation';
import { eraseDueOrganizations } from '../organizations/erase-organization';
import type { AlertServices } from '../alerts/alert-services';
import { sweepUsageAlerts } from '../alerts/sweep-usage-alerts';
import type { Keychain } from '../keychain/keychain';
import { deliverDueWebhooks, type WebhookDeliveryOptions } from '../webhooks/deliver-webhooks';
import { runCampaignSending, type SmsProviderResolver } from '../campaigns/send-campaign-messages';
import type { CredentialStore } from '../credentials/credential-store';
import { findSmsProviderForOrganization, type SmsConfig } from '../sms/sms-provider-for-organization';
import { syncDueOptOuts, syncOptOuts } from '../sms/sync-opt-outs';
import { sendDueHelpReplies } from '../sms/send-help-replies';
import { recoverInterruptedLaunches } from '../campaigns/recover-interrupted-launches';
import { pauseRestrictedCampaigns } from '../campaigns/pause-restricted-campaigns';
import { applyPendingDeliveryEvents } from '../sms/apply-pending-delivery-events';
import { runScheduledExports } from '../exports/run-scheduled-exports';
import type { ExportDeps } from '../exports/run-usage-export';
import { sweepInterruptedExports } from '../exports/sweep-interrupted-exports';
import { ensureUsagePartitions } from '../ledger/ensure-usage-partitions';
import { archiveExpiredUsageMonths } from '../ledger/archive-expired-usage-months';
import { applyDuePlanMigrations } from '../plan-lab/migrate-tenants-to-version';

export interface BackgroundJob {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

export interface JobServices {
  db: Database;
  clock: Clock;
  /** Without one (no Stripe key configured), overage is still counted and batched, and waits. */
  billingProvider: BillingProvider | null;
  /** Without one (no Stripe key configured), Stripe events are not polled. */
  stripeEvents?: StripeEventSource | null;
  /** Alerts and webhooks: the app's services (mailer, keychain); without them those jobs do not run. */
  alerts?: AlertServices & { keychain: Keychain; webhookDelivery?: Partial<WebhookDeliveryOptions> };
  /** Provider keys per organization (SMS): without it, SMS opt-out lists are not synced and campaigns not sent. */
  credentials?: CredentialStore;
  sms?: SmsConfig;
  /** Overrides where campaign sending finds each organization's SMS provider (tests, benchmarks). */
  smsProviders?: SmsProviderResolver | null;
  /** Scheduled monthly exports (server/exports/); without it they do not run. */
  exports?: ExportDeps;
  /** Where months of the usage ledger past retention are archived (<dataDir>/archive/usage-events); without it nothing is archived. */
  ledgerArchiveDir?: string;
}

export function backgroundJobs(services: JobServices, options: { intervalMs?: number } = {}): BackgroundJob[] {
  const { db, clock, billingProvider, stripeEvents } = services;
  const jobs: BackgroundJob[] = [
    { name: 'release-expired-reservations', intervalMs: options.intervalMs ?? 30_000, run: () => expireReservations(db, clock) },
    { name: 'batch-overage-for-billing', intervalMs: 60_000, run: () => enqueueOverage(db, clock) },
    // Organizations whose deletion grace period is over (safe when several servers run it).
    { name: 'erase-deleted-organizations', intervalMs: 10 * 60_000, run: () => eraseDueOrganizations(db, clock) },
  ];
  if (services.alerts) {
    const alerts = services.alerts;
    // The safety net behind the metering hook: thresholds and spikes of recently moved counters, undispatched firings.
    jobs.push({ name: 'sweep-usage-alerts', intervalMs: 60_000, run: () => sweepUsageAlerts(alerts) });
    // Durable outbound webhooks: due deliveries claimed with SKIP LOCKED and a lease.
    jobs.push({ name: 'deliver-webhooks', intervalMs: Math.min(options.intervalMs ?? 5_000, 5_000), run: () => deliverDueWebhooks(alerts) });
  }
  if (billingProvider) jobs.push({ name: 'report-overage-to-meters', intervalMs: 60_000, run: () => reportOverage(db, billingProvider, clock) });
  // Seats follow active members: compares members with the mirrored subscription, corrects the provider.
  if (billingProvider) jobs.push({ name: 'sync-seats-with-members', intervalMs: 60_000, run: () => syncSeatsWithMembers(db, billingProvider, clock) });
  // One poller at a time across processes (an advisory lock): the others skip their turn.
  if (stripeEvents) jobs.push({ name: 'poll-stripe-events', intervalMs: options.intervalMs ?? 30_000, run: () => pollStripeEvents({ db, stripe: stripeEvents.stripe, clock }) });
  // Each organization's SMS opt-out list from the provider, hourly (one process per organization: SKIP LOCKED).
  const credentials = services.credentials;
  if (credentials) jobs.push({ name: 'sync-sms-opt-outs', intervalMs: options.intervalMs ?? 5 * 60_000, run: () => syncDueOptOuts({ db, clock, credentials, sms: services.sms }) });
  // Campaign messages: claimed with SKIP LOCKED, at most once, within each sender's rate (server/campaigns/send-campaign-messages.ts).
  const smsProviders = services.smsProviders ?? (credentials ? (organizationId: string) => findSmsProviderForOrganization(db, credentials, organizationId, services.sms) : null);
  if (smsProviders) {
    const syncBeforeStart = async (organizationId: string) => {
      const provider = await smsProviders(organizationId);
      if (provider) await syncOptOuts(db, provider, organizationId, clock);
    };
    jobs.push({ name: 'send-campaign-messages', intervalMs: 1000, run: () => runCampaignSending({ db, clock, smsProviders, syncOptOuts: syncBeforeStart }) });
    // HELP auto-replies: at most once, retried while the provider says it did not send (server/sms/send-help-replies.ts).
    jobs.push({ name: 'send-sms-help-replies', intervalMs: Math.min(options.intervalMs ?? 5_000, 5_000), run: () => sendDueHelpReplies({ db, clock, provider: smsProviders }) });
  }
  // Launches interrupted by a crash: rolled back to drafts, their reservations released (server/campaigns/recover-interrupted-launches.ts).
  // Plan lab: tenants billed outside Stripe move to their new plan version when their period ends.
  jobs.push({ name: 'apply-due-plan-migrations', intervalMs: options.intervalMs ?? 60_000, run: () => applyDuePlanMigrations(db, clock) });
  jobs.push({ name: 'recover-interrupted-launches', intervalMs: options.intervalMs ?? 60_000, run: () => recoverInterruptedLaunches(db, clock) });
  // Suspended or past-due tenants stop sending: their campaigns paused, reservations released (server/campaigns/pause-restricted-campaigns.ts).
  jobs.push({ name: 'pause-restricted-campaigns', intervalMs: Math.min(options.intervalMs ?? 2_000, 2_000), run: () => pauseRestrictedCampaigns(db, clock) });
  // Delivery events that arrived before their message id was stored, applied once it is (server/sms/apply-pending-delivery-events.ts).
  jobs.push({ name: 'apply-pending-delivery-events', intervalMs: Math.min(options.intervalMs ?? 5_000, 5_000), run: () => applyPendingDeliveryEvents(db, clock) });
  // Scheduled monthly exports: due schedules claimed with SKIP LOCKED and a lease, one process each.
  if (services.exports) {
    const exportDeps = services.exports;
    jobs.push({ name: 'run-scheduled-exports', intervalMs: options.intervalMs ?? 5 * 60_000, run: () => runScheduledExports(exportDeps) });
    // Exports whose process died mid-run: marked failed ("interrupted"), partial files removed.
    jobs.push({ name: 'sweep-interrupted-exports', intervalMs: options.intervalMs ?? 60_000, run: () => sweepInterruptedExports(exportDeps.db, exportDeps.exports, exportDeps.clock) });
  }
  // The usage ledger's monthly partitions, created ahead (server/ledger/ensure-usage-partitions.ts);
  // then months past the retention setting archived to files and dropped (advisory locks: any process).
  jobs.push({ name: 'ensure-usage-partitions', intervalMs: 60 * 60_000, run: () => ensureUsagePartitions(db, clock) });
  const ledgerArchiveDir = services.ledgerArchiveDir;
  if (ledgerArchiveDir) jobs.push({ name: 'archive-expired-usage-months', intervalMs: 6 * 60 * 60_000, run: () => archiveExpiredUsageMonths({ db, clock, dir: ledgerArchiveDir }) });
  return jobs;
}

/**
 * Starts the jobs on timers; returns a stop function that resolves once the runs in progress have
 * finished (so the database is not closed under them). Failures are logged and the job runs again
 * next time.
 */
export function startJobs(jobs: BackgroundJob[]): () => Promise<void> {
  const running = new Map<string, Promise<unknown>>();
  const timers = jobs.map((job) => {
    const timer = setInterval(() => {
      if (running.has(job.name)) return;
      running.set(
        job.name,
        job
          .run()
          // An unreachable database is an outage, not a bug: one warning, and the job runs again next time.
          .catch((error: unknown) => (isDatabaseUnavailable(error) ? warnDatabaseUnavailable(`background job ${job.name}`, error) : logUnexpectedError(`background job ${job.name}`, error)))
          .finally(() => running.delete(job.name)),
      );
    }, job.intervalMs);
    timer.unref();
    return timer;
  });
  return async () => {
    timers.forEach((t) => clearInterval(t));
    await Promise.all(running.values());
  };
}
