// The cheap hook metering calls after usage moves (an ingestion batch, a committed reservation) or
// a hard cap refuses a send. It never slows or fails the usage write: checks run after it, off the
// request's path, coalesced per organization — while one check runs, further touches wait and go
// together in the next, so a burst of commits costs one check, not one per commit. Anything a crash
// loses here is caught by the periodic sweep (sweep-usage-alerts.ts).
import type { Database } from '../db/open-database';
import { logUnexpectedError } from '../logging/log-error';
import { checkSpikeAlerts, checkThresholdAlerts, recordLimitBlocked, type UsageTouch } from './check-usage-alerts';
import { dispatchAlertFirings } from './dispatch-alert-firings';
import type { AlertServices } from './alert-services';

const registered = new WeakMap<Database, AlertServices>();
const checkers = new WeakMap<Database, AlertChecker>();

/** Called once by the app: alerts of this database are announced with these services. */
export function registerAlertServices(services: AlertServices) {
  registered.set(services.db, services);
}

/** Usage events were recorded (their metric and attribution). */
export function afterUsageRecorded(db: Database, organizationId: string, touches: UsageTouch[]) {
  if (touches.length) checkerFor(db)?.note(organizationId, touches, []);
}

/** A reservation was committed (its metric, team and person are read with the check). */
export function afterReservationCommitted(db: Database, organizationId: string, reservationId: string) {
  checkerFor(db)?.note(organizationId, [], [reservationId]);
}

/** A hard cap refused a reservation at this scope: a usage.limit_blocked alert, once per scope, metric and day. */
export function afterReservationBlocked(db: Database, organizationId: string, metric: string, scope: 'organization' | 'team' | 'user', scopeId: string, limit: number | null) {
  checkerFor(db)?.blocked(organizationId, metric, scope, scopeId, limit);
}

/** Resolves when no check is running or waiting (tests; closing the app). */
export async function alertChecksIdle(db: Database): Promise<void> {
  await checkers.get(db)?.idle();
}

function checkerFor(db: Database): AlertChecker | null {
  const services = registered.get(db);
  if (!services) return null; // a bare database (CLI, bench): the sweep of a running app catches up
  let checker = checkers.get(db);
  if (!checker) checkers.set(db, (checker = new AlertChecker(services)));
  return checker;
}

class AlertChecker {
  private waiting = new Map<string, { touches: Map<string, UsageTouch>; reservations: Set<string> }>();
  private running = new Map<string, Promise<void>>();
  /** Blocked scopes already recorded today in this process: a hammered cap costs no database write. */
  private blockedSeen = new Set<string>();
  private blockedJobs = new Set<Promise<void>>();

  constructor(private services: AlertServices) {}

  note(organizationId: string, touches: UsageTouch[], reservations: string[]) {
    let w = this.waiting.get(organizationId);
    if (!w) this.waiting.set(organizationId, (w = { touches: new Map(), reservations: new Set() }));
    for (const t of touches) w.touches.set(`${t.metric}|${t.teamId ?? ''}|${t.userId ?? ''}`, t);
    for (const r of reservations) w.reservations.add(r);
    if (!this.running.has(organizationId)) this.start(organizationId);
  }

  private start(organizationId: string) {
    const run = this.drain(organizationId).finally(() => {
      this.running.delete(organizationId);
      // Touches noted after the loop's last look but before this ran would otherwise wait for the next one.
      if (this.waiting.has(organizationId)) this.start(organizationId);
    });
    this.running.set(organizationId, run);
  }

  blocked(organizationId: string, metric: string, scope: 'organization' | 'team' | 'user', scopeId: string, limit: number | null) {
    const now = this.services.clock.now();
    const key = `${now.toISOString().slice(0, 10)}|${organizationId}|${metric}|${scope}|${scopeId}`;
    if (this.blockedSeen.has(key)) return;
    if (this.blockedSeen.size > 10_000) this.blockedSeen.clear();
    this.blockedSeen.add(key);
    const job = (async () => {
      const ids = await recordLimitBlocked(this.services.db, organizationId, metric, scope, scopeId, limit, now);
      if (ids.length) await dispatchAlertFirings(this.services, { organizationId, ids });
    })()
      .catch((error: unknown) => {
        logUnexpectedError('limit-blocked alert', error);
      })
      .finally(() => this.blockedJobs.delete(job));
    this.blockedJobs.add(job);
  }

  private async drain(organizationId: string) {
    for (;;) {
      const w = this.waiting.get(organizationId);
      if (!w) return;
      this.waiting.delete(organizationId);
      try {
        const { db, clock } = this.services;
        const now = clock.now();
        const touches = [...w.touches.values()];
        const reservations = [...w.reservations];
        const fired = await checkThresholdAlerts(db, organizationId, touches, reservations, now);
        const metrics = touches.length && !reservations.length ? [...new Set(touches.map((t) => t.metric))] : null;
        fired.push(...(await checkSpikeAlerts(db, organizationId, metrics, now)));
        if (fired.length) await dispatchAlertFirings(this.services, { organizationId, ids: fired });
      } catch (error) {
        logUnexpectedError('usage alert check', error);
      }
    }
  }

  async idle() {
    while (this.running.size || this.blockedJobs.size) await Promise.all([...this.running.values(), ...this.blockedJobs]);
  }
}
