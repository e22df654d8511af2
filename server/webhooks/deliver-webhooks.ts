// The durable delivery job (registered in server/jobs/registry.ts). Due deliveries are claimed with
// FOR UPDATE SKIP LOCKED and a lease, so any number of processes share the work and a process that
// dies mid-delivery only delays it until the lease runs out. Each attempt is logged with its status
// code and latency. Failures are retried with exponential backoff — 1, 2, 4 … minutes, doubling up
// to 4 hours — until 24 hours after the event, with a last attempt at the 24-hour mark. An endpoint
// whose deliveries have all failed for 24 hours is disabled and the organization's admins are told.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { Keychain } from '../keychain/keychain';
import type { Mailer } from '../mail/mailer';
import { logUnexpectedError } from '../logging/log-error';
import { createNotifications, emailPeople } from '../notifications/notify-people';
import { responsiblePeople } from '../alerts/alert-recipients';
import { postWebhook, type PostResult } from './post-webhook';
import { openSecret, webhookKey } from './webhook-secret-cipher';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';

export interface WebhookDeliveryOptions {
  /** Per attempt: connect, send and read the answer (default 10 s). */
  timeoutMs: number;
  /** At most this much of an answer is read (default 64 KB). */
  maxResponseBytes: number;
  /** How many deliveries one run claims (default 20). */
  batchSize: number;
}

export const DEFAULT_WEBHOOK_DELIVERY: WebhookDeliveryOptions = { timeoutMs: 10_000, maxResponseBytes: 64 * 1024, batchSize: 20 };
export const DISABLE_AFTER_FAILING_MS = 24 * 3600_000;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 4 * 3600_000;

/** The wait before attempt n+1 after n failed attempts. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), MAX_RETRY_MS);
}

export interface WebhookJobServices {
  db: Database;
  clock: Clock;
  keychain: Keychain;
  mailer?: Mailer;
  webhookDelivery?: Partial<WebhookDeliveryOptions>;
}

interface Claimed {
  organization_id: string;
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempts: number;
  give_up_at: Date;
  url: string;
  secret_ciphertext: string;
  allow_private: boolean;
  body: string;
}

/** Delivers what is due now; returns how many attempts were made. Safe in every process at once. */
export async function deliverDueWebhooks(services: WebhookJobServices): Promise<number> {
  const { db, clock } = services;
  const options = { ...DEFAULT_WEBHOOK_DELIVERY, ...services.webhookDelivery };
  const now = clock.now();
  // Deliveries whose window closed while their endpoint was disabled (never claimed) end here.
  await db.query(
    `update webhook_deliveries set status = 'failed', completed_at = $1, last_error = coalesce(last_error, 'Not delivered within 24 hours (the endpoint was disabled).')
      where status = 'pending' and give_up_at < $1::timestamptz - interval '1 minute'`,
    [now],
  );
  const key = await webhookKey(services.keychain, { create: false });
  if (!key) return 0; // this process cannot sign: it leaves deliveries to processes holding the key
  const leaseMs = options.timeoutMs + 30_000;
  const claimed = await db.query<Claimed>(
    `with due as (
       select d.organization_id, d.id from webhook_deliveries d
         join webhook_endpoints e on e.organization_id = d.organization_id and e.id = d.endpoint_id
        where ((d.status = 'pending' and d.next_attempt_at <= $1) or (d.status = 'delivering' and d.lease_expires_at <= $1))
          and e.enabled and e.secret_key_id = $2
        order by d.next_attempt_at
        limit $3
        for update of d skip locked
     )
     update webhook_deliveries d set status = 'delivering', lease_expires_at = $4, attempts = d.attempts + 1
       from due, webhook_endpoints e, webhook_events ev, organizations o
      where d.organization_id = due.organization_id and d.id = due.id
        and e.organization_id = d.organization_id and e.id = d.endpoint_id
        and ev.organization_id = d.organization_id and ev.id = d.event_id
        and o.id = d.organization_id
     returning d.organization_id, d.id, d.endpoint_id, d.event_id, d.event_type, d.attempts, d.give_up_at, e.url, e.secret_ciphertext, o.webhooks_allow_private_targets as allow_private, ev.body`,
    [now, key.id, options.batchSize, new Date(now.getTime() + leaseMs)],
  );
  await Promise.all(
    claimed.map(async (row) => {
      try {
        const secret = openSecret(key, row.secret_ciphertext, row.organization_id, row.endpoint_id);
        const result: PostResult = secret
          ? await postWebhook(
              row.url,
              {
                [SIGNATURE_HEADER]: signWebhookBody(secret, row.body, clock.now()),
                'Meterdesk-Event-Id': row.event_id,
                'Meterdesk-Event-Type': row.event_type,
                'Meterdesk-Delivery-Id': row.id,
              },
              row.body,
              { timeoutMs: options.timeoutMs, maxResponseBytes: options.maxResponseBytes, allowPrivateTargets: row.allow_private },
            )
          : { ok: false, statusCode: null, latencyMs: 0, error: 'The signing secret could not be opened with this computer’s keychain key.', excerpt: null };
        await recordAttempt(services, row, result);
      } catch (error) {
        logUnexpectedError(`webhook delivery ${row.id}`, error);
      }
    }),
  );
  return claimed.length;
}

async function recordAttempt(services: WebhookJobServices, row: Claimed, result: PostResult) {
  const { db, clock } = services;
  const now = clock.now();
  const giveUpAt = new Date(row.give_up_at);
  // The next try: backoff, but never past the window, and a last one at its end.
  const next = new Date(Math.min(now.getTime() + retryDelayMs(row.attempts), giveUpAt.getTime()));
  const finalFailure = !result.ok && now.getTime() >= giveUpAt.getTime();
  await db.prisma.$transaction(async (tx) => {
    await tx.webhookDeliveryAttempt.create({
      data: {
        organizationId: row.organization_id,
        deliveryId: row.id,
        attempt: row.attempts,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        error: result.error,
        responseExcerpt: result.excerpt,
        attemptedAt: now,
      },
    });
    await tx.webhookDelivery.update({
      where: { organizationId_id: { organizationId: row.organization_id, id: row.id } },
      data: {
        status: result.ok ? 'succeeded' : finalFailure ? 'failed' : 'pending',
        nextAttemptAt: result.ok || finalFailure ? now : next,
        leaseExpiresAt: null,
        lastStatusCode: result.statusCode,
        lastLatencyMs: result.latencyMs,
        lastError: result.error,
        completedAt: result.ok || finalFailure ? now : null,
      },
    });
    if (result.ok) {
      await tx.webhookEndpoint.updateMany({ where: { organizationId: row.organization_id, id: row.endpoint_id, failingSince: { not: null } }, data: { failingSince: null } });
    } else {
      await tx.webhookEndpoint.updateMany({ where: { organizationId: row.organization_id, id: row.endpoint_id, failingSince: null }, data: { failingSince: now } });
    }
  }, { maxWait: 30_000, timeout: 30_000 });
  if (!result.ok) await disableIfFailingTooLong(services, row.organization_id, row.endpoint_id, now);
}

/** Disables an endpoint failing for 24 hours; the UPDATE … RETURNING decides which process tells the admins (once). */
async function disableIfFailingTooLong(services: WebhookJobServices, organizationId: string, endpointId: string, now: Date) {
  const { db } = services;
  const cutoff = new Date(now.getTime() - DISABLE_AFTER_FAILING_MS);
  const reason = 'Every delivery failed for 24 hours.';
  const disabled = await db.query<{ url: string }>(
    `update webhook_endpoints set enabled = false, disabled_at = $3, disabled_reason = $5
      where organization_id = $1 and id = $2 and enabled and failing_since <= $4 returning url`,
    [organizationId, endpointId, now, cutoff, reason],
  );
  if (disabled.length === 0) return;
  const url = disabled[0]!.url;
  const people = await responsiblePeople(db, organizationId, 'organization', organizationId);
  const title = 'A webhook endpoint was disabled';
  const body = `${url} failed every delivery for 24 hours, so Meterdesk stopped sending to it. Fix the receiver, then enable the endpoint again and replay the deliveries you need.`;
  await db.prisma.$transaction(async (tx) => {
    await tx.webhookDelivery.updateMany({
      where: { organizationId, endpointId, status: 'pending' },
      data: { status: 'failed', completedAt: now, lastError: 'Not sent: the endpoint was disabled after 24 hours of failures.' },
    });
    await createNotifications(tx, organizationId, people, { kind: 'webhook.endpoint_disabled', title, body, link: 'webhooks' }, now);
  });
  if (services.mailer) {
    await emailPeople(services.mailer, organizationId, people, (r) => ({
      subject: 'Meterdesk: a webhook endpoint was disabled',
      text: `Hi ${r.name},\n\n${body}\n\nOpen Meterdesk → Webhooks to see the delivery log.\n`,
    }));
  }
}
