// An inbound SMS (a reply to one of the organization's numbers), handled once per provider
// message id: opt-out keywords opt the number out; START/UNSTOP opt it back in (the provider's
// opt-in at most once per 30 days, and only when the provider holds it opted out); HELP answers
// with the organization's help text; free text that reads like a revocation waits for a person.
// Every consent change is recorded with its source (keyword) and time.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { logUnexpectedError } from '../logging/log-error';
import type { InboundSms, SmsProvider } from './sms-provider';
import { classifyInbound } from './sms-keywords';
import { queueHelpReply, sendDueHelpReplies } from './send-help-replies';
import { lastProviderOptIn, recordOptIn, recordOptOuts } from './record-consent-change';

export const PROVIDER_OPT_IN_INTERVAL_MS = 30 * 24 * 3600 * 1000;

/** What happened with the message: the action taken (opt_in_refused: a second START within 30 days). */
export type InboundOutcome = { duplicate: true } | { duplicate: false; action: 'opt_out' | 'opt_in' | 'opt_in_refused' | 'help' | 'revocation_review' | 'none'; detail?: string };

export function defaultHelpText(organizationName: string) {
  return `${organizationName}: for help reply to this number or contact us. Msg & data rates may apply. Reply STOP to opt out.`;
}

async function alreadyHandled(db: Database, organizationId: string, providerMessageId: string) {
  const [row] = await db.query('select 1 from sms_inbound_messages where organization_id = $1::uuid and provider_message_id = $2', [organizationId, providerMessageId]);
  return !!row;
}

async function remember(db: Database, organizationId: string, message: InboundSms, action: string, at: Date) {
  const rows = await db.query(
    `insert into sms_inbound_messages (organization_id, id, provider_message_id, from_phone, to_phone, body, action, received_at)
     values ($1::uuid, gen_random_uuid(), $2, $3, $4, $5, $6, $7::timestamptz)
     on conflict (organization_id, provider_message_id) do nothing returning id`,
    [organizationId, message.providerMessageId, message.from, message.to, message.body, action, at],
  );
  return rows.length > 0;
}

export async function handleInboundSms(
  deps: { db: Database; clock: Clock; provider: () => Promise<SmsProvider | null> },
  organizationId: string,
  message: InboundSms,
): Promise<InboundOutcome> {
  const { db, clock } = deps;
  if (await alreadyHandled(db, organizationId, message.providerMessageId)) return { duplicate: true };
  const action = classifyInbound(message.body);
  const now = clock.now();
  const detail = `inbound ${message.providerMessageId}`;

  if (action === 'opt_out') {
    // The change first (idempotent), then the record that claims the message id.
    await recordOptOuts(db, { organizationId, phones: [message.from], source: 'keyword', at: now, detail });
    return (await remember(db, organizationId, message, 'opt_out', now)) ? { duplicate: false, action } : { duplicate: true };
  }

  if (action === 'opt_in') {
    const last = await lastProviderOptIn(db, organizationId, message.from);
    const provider = await deps.provider();
    const heldByProvider = provider ? await provider.isOptedOut(message.from) : false;
    if (heldByProvider && last && now.getTime() - last.getTime() < PROVIDER_OPT_IN_INTERVAL_MS) {
      const next = new Date(last.getTime() + PROVIDER_OPT_IN_INTERVAL_MS);
      const why = `The provider allows one opt-in per number every 30 days; this number was opted in on ${last.toISOString().slice(0, 10)}, the next is possible from ${next.toISOString().slice(0, 10)}.`;
      return (await remember(db, organizationId, message, 'opt_in_refused', now)) ? { duplicate: false, action: 'opt_in_refused', detail: why } : { duplicate: true };
    }
    // A provider failure throws: nothing is recorded and the notification is delivered again.
    if (heldByProvider && provider) await provider.optIn(message.from);
    await recordOptIn(db, { organizationId, phone: message.from, source: 'keyword', at: now, detail: heldByProvider ? `provider opt-in (OptInPhoneNumber), ${detail}` : detail });
    return (await remember(db, organizationId, message, 'opt_in', now)) ? { duplicate: false, action } : { duplicate: true };
  }

  if (action !== 'help') return (await remember(db, organizationId, message, action, now)) ? { duplicate: false, action } : { duplicate: true };
  {
    const [channel] = await db.query<{ help_text: string | null; name: string; origination_number: string | null; sender_id: string | null }>(
      `select c.help_text, o.name, c.origination_number, c.sender_id from sms_channels c join organizations o on o.id = c.organization_id where c.organization_id = $1::uuid`,
      [organizationId],
    );
    if (channel) {
      // A durable job sends it (send-help-replies.ts): at most once, retried while the provider says it did not send.
      // Answer from the number they texted (sender IDs cannot receive replies).
      await queueHelpReply(db, {
        organizationId,
        inboundMessageId: message.providerMessageId,
        to: message.from,
        from: message.to.startsWith('+') ? message.to : channel.origination_number,
        body: channel.help_text || defaultHelpText(channel.name),
        at: now,
      });
    }
    // Queued first, then the message id is claimed: a crash in between queues nothing twice on redelivery.
    if (!(await remember(db, organizationId, message, action, now))) return { duplicate: true };
    if (channel) {
      try {
        const run = await sendDueHelpReplies({ db, clock, provider: () => deps.provider() }, { organizationId });
        if (run.retried + run.failed > 0) return { duplicate: false, action, detail: 'The HELP reply was not sent yet: it is retried shortly.' };
      } catch (error) {
        logUnexpectedError('sms HELP reply', error);
      }
    }
  }
  return { duplicate: false, action };
}
