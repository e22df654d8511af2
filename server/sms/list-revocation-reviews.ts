// Replies flagged as possible revocations (free text such as "please stop texting me"), newest
// first: the ones waiting for a decision, and the latest decided ones with who decided.
import type { Database } from '../db/open-database';

export async function listRevocationReviews(db: Database, organizationId: string) {
  const rows = await db.prisma.smsInboundMessage.findMany({
    where: { organizationId, action: { in: ['revocation_review', 'revocation_confirmed', 'revocation_dismissed'] } },
    orderBy: [{ reviewedAt: { sort: 'desc', nulls: 'first' } }, { receivedAt: 'desc' }],
    take: 200,
  });
  const contacts = await db.prisma.contact.findMany({ where: { organizationId, phone: { in: [...new Set(rows.map((r) => r.fromPhone))] } }, select: { phone: true, name: true, optOutSms: true } });
  const reviewers = await db.prisma.user.findMany({ where: { id: { in: rows.flatMap((r) => (r.reviewedById ? [r.reviewedById] : [])) } }, select: { id: true, name: true } });
  return rows.map((r) => {
    const c = contacts.find((x) => x.phone === r.fromPhone);
    return {
      id: r.id,
      fromPhone: r.fromPhone,
      contactName: c?.name ?? null,
      optedOut: c?.optOutSms ?? false,
      body: r.body,
      receivedAt: r.receivedAt,
      state: r.action === 'revocation_review' ? ('pending' as const) : r.action === 'revocation_confirmed' ? ('opted_out' as const) : ('not_revocation' as const),
      reviewedAt: r.reviewedAt,
      reviewedBy: reviewers.find((u) => u.id === r.reviewedById)?.name ?? null,
    };
  });
}
