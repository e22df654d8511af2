// A person's decision on a flagged reply: "Opt out" opts the number out (source
// revocation_review, by that person), "Not a revocation" leaves consent as it is. Decided once
// (a concurrent second decision is refused), audited, resolved inside the acting organization.
import type { z } from 'zod';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordOptOuts } from './record-consent-change';
import type { resolveReviewInput } from './sms-channel-schemas';

export async function resolveRevocationReview(db: Database, clock: Clock, actor: { organizationId: string; userId: string }, input: z.infer<typeof resolveReviewInput>) {
  const now = clock.now();
  const [claimed] = await db.query<{ from_phone: string; body: string }>(
    `update sms_inbound_messages set action = $3, reviewed_at = $4::timestamptz, reviewed_by_id = $5::uuid
     where organization_id = $1::uuid and id = $2::uuid and action = 'revocation_review'
     returning from_phone, body`,
    [actor.organizationId, input.id, input.decision === 'opt_out' ? 'revocation_confirmed' : 'revocation_dismissed', now, actor.userId],
  );
  if (!claimed) {
    const exists = await db.prisma.smsInboundMessage.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id: input.id } }, select: { action: true } });
    if (!exists) throw new AppError('NOT_FOUND', 'This message does not exist in your organization.', { field: 'id' });
    throw new AppError('CONFLICT', 'This reply was already reviewed.');
  }
  if (input.decision === 'opt_out') {
    await recordOptOuts(db, { organizationId: actor.organizationId, phones: [claimed.from_phone], source: 'revocation_review', at: now, detail: `inbound review ${input.id}`, actorUserId: actor.userId });
  }
  await recordAuditEvent(db.prisma, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    action: input.decision === 'opt_out' ? 'sms.revocation_confirmed' : 'sms.revocation_dismissed',
    targetType: 'sms_inbound_message',
    targetId: input.id,
    after: { phone: claimed.from_phone },
  });
  return { id: input.id, decision: input.decision };
}
