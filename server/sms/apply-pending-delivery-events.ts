// Delivery events kept because they arrived before their message's provider id was stored
// (apply-delivery-event.ts): applied once the id lands, dropped after 72 h unmatched (the
// provider's own horizon for a final event). Each kept event is settled once (applied or expired),
// whatever the number of processes running this (SKIP LOCKED); applying is itself idempotent.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { applyToMessage, deserializeDeliveryEvent, type serializeDeliveryEvent } from './apply-delivery-event';

export const PENDING_DELIVERY_EVENT_HORIZON_MS = 72 * 3600_000;

export async function applyPendingDeliveryEvents(db: Database, clock: Clock, batch = 500): Promise<{ applied: number; expired: number }> {
  const now = clock.now();
  let applied = 0;
  const matched = await db.query<{ organization_id: string; id: string; event: ReturnType<typeof serializeDeliveryEvent> }>(
    `select p.organization_id, p.id, p.event from sms_pending_delivery_events p
      where p.settled_at is null
        and exists (select 1 from campaign_messages m where m.organization_id = p.organization_id and m.provider_message_id = p.provider_message_id)
      order by p.received_at limit $1`,
    [batch],
  );
  for (const p of matched) {
    // Settled first (one process wins each row), then applied: both commit only together.
    await db.prisma.$transaction(async (tx) => {
      const claimed = await tx.$queryRawUnsafe<{ id: string }[]>(
        `update sms_pending_delivery_events set settled_at = $3::timestamptz, outcome = 'applied' where organization_id = $1::uuid and id = $2::uuid and settled_at is null returning id`,
        p.organization_id,
        p.id,
        now,
      );
      if (claimed.length === 0) return;
      const query = <T>(sql: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(sql, ...params);
      await applyToMessage({ ...db, query, queryVolatile: query }, p.organization_id, deserializeDeliveryEvent(p.event), now);
      applied++;
    });
  }
  const expired = await db.query(
    `update sms_pending_delivery_events set settled_at = $1, outcome = 'expired' where settled_at is null and received_at < $2 returning id`,
    [now, new Date(now.getTime() - PENDING_DELIVERY_EVENT_HORIZON_MS)],
  );
  return { applied, expired: expired.length };
}
