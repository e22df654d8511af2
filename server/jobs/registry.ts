// The app's durable background jobs, registered in one place: each is named for what it does and
// its work lives in its domain's use-case file. Every job is safe to run from every process sharing
// the database at once (their SQL takes row locks or SKIP LOCKED), so each process simply runs
// them on a timer; a run never overlaps the previous run of the same job in this process.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { BillingProvider } from '../billing/billing-provider';
import { enqueueOverage } from '../billing/enqueue-overage';
import { reportOverage } from '../billing/report-overage';
import { expireReservations } from '../metering/settle-reservation';
import { eraseDueOrganizations } from '../organizations/erase-organization';

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
}

export function backgroundJobs(services: JobServices, options: { intervalMs?: number } = {}): BackgroundJob[] {
  const { db, clock, billingProvider } = services;
  const jobs: BackgroundJob[] = [
    { name: 'release-expired-reservations', intervalMs: options.intervalMs ?? 30_000, run: () => expireReservations(db, clock) },
    { name: 'batch-overage-for-billing', intervalMs: 60_000, run: () => enqueueOverage(db, clock) },
    // Organizations whose deletion grace period is over (safe when several servers run it).
    { name: 'erase-deleted-organizations', intervalMs: 10 * 60_000, run: () => eraseDueOrganizations(db, clock) },
  ];
  if (billingProvider) jobs.push({ name: 'report-overage-to-meters', intervalMs: 60_000, run: () => reportOverage(db, billingProvider, clock) });
  return jobs;
}

/** Starts the jobs on timers; returns a stop function. Failures are logged and the job runs again next time. */
export function startJobs(jobs: BackgroundJob[], log: (line: string) => void = (line) => console.error(line)): () => void {
  const timers = jobs.map((job) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      job
        .run()
        .catch((error: Error) => log(`Background job ${job.name} failed: ${error.message}`))
        .finally(() => (running = false));
    }, job.intervalMs);
    timer.unref();
    return timer;
  });
  return () => timers.forEach((t) => clearInterval(t));
}
