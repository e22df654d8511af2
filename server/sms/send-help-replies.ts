// The HELP auto-reply as a durable job: queued in sms_help_replies when a HELP arrives (one per
// inbound message), then sent at most once and retried when the provider says it did not send.
// A reply is marked `sending` in a committed statement before the provider is called; an answer
// that says "not sent" (throttled, 5xx: retryable) puts it back with a backoff, up to
// MAX_HELP_ATTEMPTS; no answer at all (timeout) or a row left `sending` past the lease is
// `unknown` and never sent again — a second HELP text is worse than none (CTIA: one answer).
// Claims take SKIP LOCKED, so any number of processes may run this at once.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { logUnexpectedError } from '../logging/log-error';
import type { SendSmsResult, SmsProvider } from './sms-provider';

export const MAX_HELP_ATTEMPTS = 6;
export const HELP_SENDING_LEASE_MS = 5 * 60_000;

/** Queues the reply to one HELP (once per inbound message id); true when this call queued it. */
export async function queueHelpReply(db: Database, reply: { organizationId: string; inboundMessageId: string; to: string; from: string | null; body: string; at: Date }): Promise<boolean> {
  const rows = await db.query(
    `insert into sms_help_replies (organization_id, id, inbound_message_id, to_phone, from_phone, body, not_before, created_at)
     values ($1::uuid, gen_random_uuid(), $2, $3, $4, $5, $6::timestamptz, $6::timestamptz) on conflict (organization_id, inbound_message_id) do nothing returning id`,
    [reply.organizationId, reply.inboundMessageId, reply.to, reply.from, reply.body, reply.at],
  );
  return rows.length > 0;
}

interface ClaimedReply {
  organization_id: string;
  id: string;
  to_phone: string;
  from_phone: string | null;
  body: string;
  attempts: number;
}

export interface HelpReplyRun {
  sent: number;
  retried: number;
  failed: number;
  unknown: number;
}

/**
 * Sends the due replies (of one organization, or all). `provider` resolves an organization's
 * provider; without one (SMS disconnected) the reply waits for the next run.
 */
export async function sendDueHelpReplies(
  deps: { db: Database; clock: Clock; provider: (organizationId: string) => Promise<SmsProvider | null> },
  options: { organizationId?: string; batch?: number } = {},
): Promise<HelpReplyRun> {
  const { db, clock } = deps;
  const run: HelpReplyRun = { sent: 0, retried: 0, failed: 0, unknown: 0 };
  const now = clock.now();
  // Rows left `sending` past the lease: the process died mid-call; the reply may have gone out.
  const stale = await db.query(
    `update sms_help_replies set status = 'unknown', error = 'The sender stopped before the provider answered: it may have been sent; it is never sent again.'
      where status = 'sending' and sending_at < $1 and ($2::uuid is null or organization_id = $2::uuid) returning id`,
    [new Date(now.getTime() - HELP_SENDING_LEASE_MS), options.organizationId ?? null],
  );
  run.unknown += stale.length;
  const claimed = await db.query<ClaimedReply>(
    `update sms_help_replies r set status = 'sending', sending_at = $1, attempts = r.attempts + 1
       from (select organization_id, id from sms_help_replies
              where status = 'queued' and not_before <= $1 and ($2::uuid is null or organization_id = $2::uuid)
              order by not_before limit $3 for update skip locked) due
      where r.organization_id = due.organization_id and r.id = due.id
     returning r.organization_id, r.id, r.to_phone, r.from_phone, r.body, r.attempts`,
    [now, options.organizationId ?? null, options.batch ?? 50],
  );
  for (const reply of claimed) {
    let result: SendSmsResult | { thrown: unknown } | null;
    try {
      const provider = await deps.provider(reply.organization_id);
      result = provider ? await provider.send({ to: reply.to_phone, body: reply.body, smsType: 'Transactional', originationNumber: reply.from_phone }) : null;
    } catch (thrown) {
      result = { thrown };
    }
    const at = clock.now();
    const set = (status: string, fields: { error?: string | null; providerMessageId?: string | null; notBefore?: Date | null }) =>
      db.query(
        `update sms_help_replies set status = $3, error = $4, provider_message_id = coalesce($5, provider_message_id), sent_at = case when $3 = 'sent' then $6::timestamptz else sent_at end,
                not_before = coalesce($7::timestamptz, not_before)
          where organization_id = $1::uuid and id = $2::uuid and status = 'sending'`,
        [reply.organization_id, reply.id, status, fields.error ?? null, fields.providerMessageId ?? null, at, fields.notBefore ?? null],
      );
    if (result === null) {
      // Not connected: nothing was sent; try again later without counting this as an attempt.
      await db.query(`update sms_help_replies set status = 'queued', attempts = attempts - 1, not_before = $3 where organization_id = $1::uuid and id = $2::uuid and status = 'sending'`, [
        reply.organization_id,
        reply.id,
        new Date(at.getTime() + 60_000),
      ]);
      continue;
    }
    if ('thrown' in result) {
      logUnexpectedError('sms HELP reply', result.thrown);
      await set('unknown', { error: 'No answer from the provider: it may have been sent; it is never sent again.' });
      run.unknown++;
    } else if (result.ok) {
      await set('sent', { providerMessageId: result.providerMessageId });
      run.sent++;
    } else if (result.outcomeUnknown) {
      await set('unknown', { error: `${result.code}: ${result.message} — it may have been sent; it is never sent again.` });
      run.unknown++;
    } else if (result.retryable && reply.attempts < MAX_HELP_ATTEMPTS) {
      const backoffMs = Math.min(15 * 60_000, 5000 * 2 ** (reply.attempts - 1));
      await set('queued', { error: `${result.code}: ${result.message} (try ${reply.attempts}, retrying)`, notBefore: new Date(at.getTime() + backoffMs) });
      run.retried++;
    } else {
      await set('failed', { error: `${result.code}: ${result.message}` });
      run.failed++;
    }
  }
  return run;
}
