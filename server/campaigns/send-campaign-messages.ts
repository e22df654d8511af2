// The sending engine: durable, at most once, within the sender's throughput and the usage caps.
//
// Messages are rows (campaign_messages) claimed with FOR UPDATE SKIP LOCKED by any number of
// processes (meterdesk_claim_campaign_messages). A claimed row is marked `sending` in a committed
// statement BEFORE the provider is called, and `sent` with the provider's id after. A row found
// still `sending` after the lease (the process died mid-call) may or may not have gone out: it is
// marked `unknown` for a person to review, and never sent again. An answer that says the provider
// did not send (429 throttled, 5xx, invalid request) puts the row back in the queue with a backoff
// (retryable) or fails it; no answer at all (timeout, connection lost) is `unknown`.
//
// Throughput: a token bucket per sender (sms_send_buckets, refilled at sms_channels.parts_per_second
// and taken under its row lock inside the claim) is shared by every process, so together they never
// exceed the sender's rate. Concurrency: up to lanes × batchSize provider calls in flight per
// campaign and process, claimed at least batchSize at a time, answers recorded in batches.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { logUnexpectedError } from '../logging/log-error';
import type { SendSmsResult, SmsProvider, SmsType } from '../sms/sms-provider';
import { composeSmsText } from './message-segments';
import { extendCampaignReservations, finishCampaigns, renewCampaignReservation } from './finish-campaigns';

/** The SMS provider of an organization (its saved connection), or null when SMS is not connected. */
export type SmsProviderResolver = (organizationId: string) => Promise<SmsProvider | null>;

export interface CampaignSenderOptions {
  /** With batchSize: up to lanes × batchSize provider calls in flight per campaign and process. */
  lanes: number;
  /** The smallest claim: the claimer waits until this many places are free (it claims every free place). */
  batchSize: number;
  /** A row `sending` for longer than this is unknown (the provider call cannot last that long). */
  leaseMs: number;
  /** Provider answers that mean "not sent" are retried this many times in all. */
  maxAttempts: number;
  /** How long one run keeps sending before it returns (the job runs again at once). */
  budgetMs: number;
  /** Test hook: called after a batch is marked sending and before the provider is called. */
  beforeProviderCall?: (ids: string[]) => Promise<void> | void;
}

export const DEFAULT_SENDER_OPTIONS: CampaignSenderOptions = { lanes: 4, batchSize: 16, leaseMs: 5 * 60_000, maxAttempts: 5, budgetMs: 20_000 };

/** Error codes that mean no answer came back: the message may have gone out. */
const NO_ANSWER_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError', 'ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED_AFTER_SEND', 'AbortError', 'Unknown']);

interface Claimed {
  kind: 'send' | 'state' | 'wait' | 'idle' | 'cursor';
  id: string | null;
  phone: string | null;
  parts: number | null;
  attempts: number | null;
  detail: string | null;
  wait_ms: number | null;
  /** kind 'cursor': the (not_before, id) of the last row the claim examined; the next claim starts after it. */
  cursor_at: Date | string | null;
}

export interface SendRunResult {
  sent: number;
  failed: number;
  unknown: number;
  retried: number;
  skipped: number;
}

interface Outcome {
  id: string;
  status: 'sent' | 'failed' | 'queued' | 'unknown' | 'skipped_opt_out';
  providerMessageId: string | null;
  error: string | null;
  notBefore: Date | null;
}

export async function recordOutcomes(db: Database, organizationId: string, campaignId: string, outcomes: Outcome[], now: Date) {
  if (outcomes.length === 0) return [];
  return db.query<{ id: string; status: string }>('select * from meterdesk_record_campaign_outcomes($1, $2, $3, $4, $5, $6, $7, $8)', [
    organizationId,
    campaignId,
    outcomes.map((o) => o.id),
    outcomes.map((o) => o.status),
    outcomes.map((o) => o.providerMessageId),
    outcomes.map((o) => o.error),
    outcomes.map((o) => o.notBefore),
    now,
  ]);
}

/** Rows left `sending` past the lease: unknown, counted as usage (they may have gone out), never resent. */
export async function markStaleSendingUnknown(db: Database, clock: Clock, leaseMs: number): Promise<number> {
  const now = clock.now();
  const stale = await db.query<{ organization_id: string; campaign_id: string; ids: string[] }>(
    `select organization_id, campaign_id, array_agg(id) as ids from campaign_messages
      where status = 'sending' and sending_at < $1 group by organization_id, campaign_id`,
    [new Date(now.getTime() - leaseMs)],
  );
  let n = 0;
  for (const s of stale) {
    const outcomes = s.ids.map((id) => ({ id, status: 'unknown' as const, providerMessageId: null, error: 'The sender stopped before the provider answered: it may or may not have been sent. Review it; it is never resent.', notBefore: null }));
    n += (await recordOutcomes(db, s.organization_id, s.campaign_id, outcomes, now)).length;
  }
  return n;
}

/** Scheduled campaigns whose time has come start sending (their messages wait for that time already). */
export async function startScheduledCampaigns(db: Database, clock: Clock, beforeStart?: (organizationId: string) => Promise<void>): Promise<number> {
  const now = clock.now();
  const due = await db.query<{ organization_id: string; id: string }>(`select organization_id, id from campaigns where status = 'scheduled' and scheduled_at <= $1`, [now]);
  let started = 0;
  for (const c of due) {
    // The provider's opt-out list first (sns: syncOptOuts), so a number that replied STOP elsewhere is skipped.
    if (beforeStart) await beforeStart(c.organization_id).catch((error: unknown) => logUnexpectedError('campaign opt-out sync before start', error));
    const rows = await db.query(`update campaigns set status = 'sending', started_at = $3, updated_at = $3 where organization_id = $1 and id = $2 and status = 'scheduled' returning id`, [
      c.organization_id,
      c.id,
      now,
    ]);
    started += rows.length;
  }
  return started;
}

function classify(result: SendSmsResult | { thrown: unknown }, attempts: number, options: CampaignSenderOptions, now: Date): Omit<Outcome, 'id'> {
  if ('thrown' in result) {
    return { status: 'unknown', providerMessageId: null, error: `No answer from the provider (${describe(result.thrown)}): it may or may not have been sent.`, notBefore: null };
  }
  if (result.ok) return { status: 'sent', providerMessageId: result.providerMessageId, error: null, notBefore: null };
  if (result.optedOut) return { status: 'skipped_opt_out', providerMessageId: null, error: `The provider reports this number opted out (${result.code}).`, notBefore: null };
  if (NO_ANSWER_CODES.has(result.code) || (result as { outcomeUnknown?: boolean }).outcomeUnknown) {
    return { status: 'unknown', providerMessageId: null, error: `${result.code}: ${result.message} — it may or may not have been sent.`, notBefore: null };
  }
  if (result.retryable && attempts + 1 < options.maxAttempts) {
    const backoffMs = Math.min(60_000, 1000 * 2 ** attempts) * (0.5 + Math.random() / 2);
    return { status: 'queued', providerMessageId: null, error: `${result.code}: ${result.message} (try ${attempts + 1}, retrying)`, notBefore: new Date(now.getTime() + backoffMs) };
  }
  return { status: 'failed', providerMessageId: null, error: `${result.code}: ${result.message}`, notBefore: null };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : 'unexpected error';
}

interface CampaignRow {
  organization_id: string;
  id: string;
  owner_user_id: string;
  team_id: string | null;
  body: string;
  sms_type: string;
  append_footer: boolean;
}

/**
 * Sends one campaign's due messages until nothing is due, the bucket is empty, the campaign stops
 * sending, or the time budget is spent.
 *
 * A bounded pool: up to lanes × batchSize provider calls in flight at once. One claimer fills the
 * free places (a claim of at least batchSize rows, more when more places are free), each answer
 * frees its place at once (no batch waits for its slowest call), and one recorder writes the
 * answers that came in meanwhile in one round trip (meterdesk_record_campaign_outcomes). Claims
 * carry a cursor (the last row examined), so they do not walk again over rows already claimed.
 */
export async function sendCampaign(
  db: Database,
  provider: SmsProvider,
  campaign: CampaignRow,
  clock: Clock,
  options: CampaignSenderOptions = DEFAULT_SENDER_OPTIONS,
): Promise<SendRunResult & { stop: string | null }> {
  const totals: SendRunResult = { sent: 0, failed: 0, unknown: 0, retried: 0, skipped: 0 };
  const channel = await db.prisma.smsChannel.findUnique({ where: { organizationId: campaign.organization_id } });
  const footer = campaign.append_footer ? (channel?.complianceFooter ?? null) : null;
  const text = composeSmsText(campaign.body, footer);
  const deadline = Date.now() + options.budgetMs;
  const capacity = Math.max(1, options.lanes * options.batchSize);
  const minClaim = Math.max(1, Math.min(options.batchSize, capacity));
  let stop: string | null = null;
  let failure: unknown = null;
  let inFlight = 0;
  let cursor: { at: Date; id: string } | null = null;
  const answered: Array<{ outcome: Outcome; phone: string }> = [];
  // Wakes the claimer (a place freed) and the recorder (an answer came).
  let wakeClaimer: (() => void) | null = null;
  let wakeRecorder: (() => void) | null = null;
  const wake = () => {
    wakeClaimer?.();
    wakeRecorder?.();
  };

  const claim = async (max: number) =>
    db.query<Claimed>('select * from meterdesk_claim_campaign_messages($1, $2, $3, $4, $5, $6)', [campaign.organization_id, campaign.id, clock.now(), max, cursor?.at ?? null, cursor?.id ?? null]);

  const sendOne = async (m: Claimed) => {
    let result: SendSmsResult | { thrown: unknown };
    try {
      result = await provider.send({ to: m.phone!, body: text, smsType: campaign.sms_type as SmsType, senderId: channel?.senderId, originationNumber: channel?.originationNumber });
    } catch (thrown) {
      result = { thrown };
    }
    answered.push({ outcome: { id: m.id!, ...classify(result, m.attempts ?? 0, options, clock.now()) }, phone: m.phone! });
    inFlight--;
    wake();
  };

  const claimer = async () => {
    while (stop === null && failure === null && Date.now() < deadline) {
      const free = capacity - inFlight;
      if (free < minClaim) {
        await new Promise<void>((resolve) => (wakeClaimer = resolve));
        wakeClaimer = null;
        continue;
      }
      let rows = await claim(free);
      let next = rows.find((r) => r.kind === 'cursor');
      let batch = rows.filter((r) => r.kind === 'send');
      let other = rows.find((r) => r.kind !== 'send' && r.kind !== 'cursor');
      if (batch.length === 0 && !next && other?.kind === 'idle' && cursor) {
        // Nothing after the cursor: look once from the start before calling it idle.
        cursor = null;
        rows = await claim(free);
        next = rows.find((r) => r.kind === 'cursor');
        batch = rows.filter((r) => r.kind === 'send');
        other = rows.find((r) => r.kind !== 'send' && r.kind !== 'cursor');
      }
      if (next?.id && next.cursor_at) cursor = { at: new Date(next.cursor_at), id: next.id };
      if (batch.length > 0) {
        inFlight += batch.length;
        await options.beforeProviderCall?.(batch.map((b) => b.id!));
        for (const m of batch) void sendOne(m);
      }
      if (other?.kind === 'state') {
        if (other.detail === 'reservation_lost') {
          const renewed = await renewCampaignReservation(db, { organizationId: campaign.organization_id, id: campaign.id, ownerUserId: campaign.owner_user_id, teamId: campaign.team_id }, clock);
          if (renewed === 'renewed') continue;
        }
        stop = other.detail ?? 'stopped';
      } else if (other?.kind === 'wait' || other?.kind === 'idle') {
        stop = other.kind;
      } else if (batch.length === 0 && !next) {
        stop = 'idle';
      }
    }
  };

  const record = async () => {
    const taken = answered.splice(0, answered.length);
    if (taken.length === 0) return;
    const outcomes = taken.map((t) => t.outcome);
    const recorded = await recordOutcomes(db, campaign.organization_id, campaign.id, outcomes, clock.now());
    for (const r of recorded) {
      if (r.status === 'sent') totals.sent++;
      else if (r.status === 'failed') totals.failed++;
      else if (r.status === 'unknown') totals.unknown++;
      else if (r.status === 'queued') totals.retried++;
      else totals.skipped++;
    }
    // The provider's own opt-out list said no: never send to that number again.
    const phones = taken.filter((t) => t.outcome.status === 'skipped_opt_out').map((t) => t.phone);
    if (phones.length) {
      await db.query(`insert into sms_opt_outs (organization_id, phone, source, opted_out_at) select $1, p, 'provider_sync', $3 from unnest($2::text[]) p on conflict do nothing`, [
        campaign.organization_id,
        phones,
        clock.now(),
      ]);
    }
  };

  let claiming = true;
  const recorder = async () => {
    // Until the claimer is done and every call in flight has answered and been written.
    while (claiming || inFlight > 0 || answered.length > 0) {
      if (answered.length === 0) {
        await new Promise<void>((resolve) => (wakeRecorder = resolve));
        wakeRecorder = null;
        continue;
      }
      try {
        await record();
      } catch (error) {
        // Rows stay `sending`: after the lease they become unknown (never resent). Stop claiming.
        failure ??= error;
        answered.length = 0;
      }
    }
  };

  const recording = recorder();
  try {
    await claimer();
  } catch (error) {
    failure ??= error;
  } finally {
    claiming = false;
    wake();
  }
  await recording;
  if (failure !== null) throw failure;
  return { ...totals, stop };
}

export interface CampaignJobServices {
  db: Database;
  clock: Clock;
  smsProviders: SmsProviderResolver;
  /** The provider's opt-out list into sms_opt_outs before a scheduled campaign starts (sns: syncOptOuts). */
  syncOptOuts?: (organizationId: string) => Promise<void>;
}

/**
 * One run of the sending job: unknowns past the lease, scheduled starts, every sending campaign's
 * due messages, then completions and releases. Every step is safe while other processes run it.
 */
export async function runCampaignSending(services: CampaignJobServices, options: CampaignSenderOptions = DEFAULT_SENDER_OPTIONS): Promise<SendRunResult> {
  const { db, clock } = services;
  await markStaleSendingUnknown(db, clock, options.leaseMs);
  await startScheduledCampaigns(db, clock, services.syncOptOuts);
  await extendCampaignReservations(db, clock);
  const campaigns = await db.query<CampaignRow>(`select organization_id, id, owner_user_id, team_id, body, sms_type, append_footer from campaigns where status = 'sending' order by started_at`);
  const totals: SendRunResult = { sent: 0, failed: 0, unknown: 0, retried: 0, skipped: 0 };
  for (const campaign of campaigns) {
    const provider = await services.smsProviders(campaign.organization_id);
    if (!provider) {
      await db.query(`update campaigns set status = 'paused', status_reason = $3, updated_at = $4 where organization_id = $1 and id = $2 and status = 'sending'`, [
        campaign.organization_id,
        campaign.id,
        'Paused: SMS is not connected (Settings → Channels → SMS). Resume once it is.',
        clock.now(),
      ]);
      continue;
    }
    const result = await sendCampaign(db, provider, campaign, clock, options);
    for (const k of Object.keys(totals) as (keyof SendRunResult)[]) totals[k] += result[k];
  }
  await finishCampaigns(db, clock);
  return totals;
}
