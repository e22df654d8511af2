// A delivery event from the provider applied to the campaign message it reports on (matched by
// provider message id inside the organization). Only a final event moves a message to delivered
// or failed, and only from a non-final state (sending, sent, unknown): a late or redelivered event
// changes nothing, and the campaign's actual cost grows by the message's price exactly once.
import type { Database } from '../db/open-database';
import type { DeliveryEvent } from './sms-provider';

const FINAL_SQL = `
with m as (
  update campaign_messages set
    status = $3,
    actual_parts = coalesce($4::int, actual_parts),
    actual_cost_micros = coalesce($5::bigint, actual_cost_micros),
    delivered_at = case when $3 = 'delivered' then $6::timestamptz else delivered_at end,
    error = case when $3 = 'failed' then $7 else error end,
    updated_at = $8::timestamptz
  where organization_id = $1::uuid and provider_message_id = $2 and status in ('sending', 'sent', 'unknown')
  returning campaign_id, actual_cost_micros
), c as (
  update campaigns set actual_cost_micros = campaigns.actual_cost_micros + coalesce(m.actual_cost_micros, 0), updated_at = $8::timestamptz
  from m where campaigns.organization_id = $1::uuid and campaigns.id = m.campaign_id
  returning campaigns.id
)
select (select count(*) from m)::int as messages, (select count(*) from c)::int as campaigns`;

export type DeliveryOutcome = 'applied' | 'ignored_not_final' | 'ignored_already_final_or_unknown_message' | 'kept_until_message_known';

/**
 * Applies the event; one whose message is not known yet (the provider answered the send, but its
 * message id is not stored yet: the sender has not recorded the outcome) is kept in
 * sms_pending_delivery_events and applied by apply-pending-delivery-events.ts once the id lands.
 */
export async function applyDeliveryEvent(db: Database, organizationId: string, event: DeliveryEvent, now: Date): Promise<DeliveryOutcome> {
  const outcome = await applyToMessage(db, organizationId, event, now);
  if (outcome !== 'ignored_already_final_or_unknown_message') return outcome;
  const [known] = await db.query('select 1 from campaign_messages where organization_id = $1::uuid and provider_message_id = $2 limit 1', [organizationId, event.providerMessageId]);
  if (known) return outcome;
  await db.query(
    `insert into sms_pending_delivery_events (organization_id, id, provider_message_id, event_type, event, received_at)
     values ($1::uuid, gen_random_uuid(), $2, $3, $4::jsonb, $5::timestamptz) on conflict (organization_id, provider_message_id, event_type) do nothing`,
    [organizationId, event.providerMessageId, event.eventType, JSON.stringify(serializeDeliveryEvent(event)), now],
  );
  return 'kept_until_message_known';
}

export function serializeDeliveryEvent(event: DeliveryEvent) {
  return { ...event, priceMicros: event.priceMicros === null ? null : event.priceMicros.toString(), occurredAt: event.occurredAt.toISOString() };
}

export function deserializeDeliveryEvent(json: ReturnType<typeof serializeDeliveryEvent>): DeliveryEvent {
  return { ...json, priceMicros: json.priceMicros === null ? null : BigInt(json.priceMicros), occurredAt: new Date(json.occurredAt) };
}

/** Applies a final event to its message when the message is known; changes nothing otherwise. */
export async function applyToMessage(db: Database, organizationId: string, event: DeliveryEvent, now: Date): Promise<DeliveryOutcome> {
  if (!event.isFinal || event.status === 'pending') return 'ignored_not_final';
  const [row] = await db.query<{ messages: number }>(FINAL_SQL, [
    organizationId,
    event.providerMessageId,
    event.status,
    event.parts,
    event.priceMicros === null ? null : event.priceMicros.toString(),
    event.occurredAt,
    event.status === 'failed' ? event.eventType : null,
    now,
  ]);
  return row && row.messages > 0 ? 'applied' : 'ignored_already_final_or_unknown_message';
}
