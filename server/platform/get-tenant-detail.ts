// Use case (platform staff): one tenant at a glance — members, subscription, invoices (the billing
// mirror), API keys (name and prefix only: never a hash), open invitations and the staff's notes.
// Usage against limits, overrides and credits come from getTenantUsage; the audit trail from
// listTenantAuditEvents.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { invitationStatus } from '../invitations/list-invitations';

export const tenantIdInput = z.object({ organizationId: z.uuid('organizationId must be an organization id') });

export async function getTenantDetail(db: Database, clock: Clock, input: z.output<typeof tenantIdInput>) {
  const organizationId = input.organizationId;
  const organization = await db.prisma.organization.findUnique({
    where: { id: organizationId },
    select: { id: true, slug: true, name: true, billingEmail: true, billingCountry: true, suspendedAt: true, suspendedReason: true, deletionScheduledAt: true, createdAt: true },
  });
  if (!organization) throw new AppError('NOT_FOUND', 'That organization does not exist.', { field: 'organizationId' });
  const now = clock.now();
  const [memberships, subscription, invoices, apiKeys, invitations, notes] = await Promise.all([
    db.prisma.membership.findMany({
      where: { organizationId },
      select: { id: true, role: true, status: true, createdAt: true, user: { select: { id: true, email: true, name: true, lastSignInAt: true, status: true } } },
      orderBy: [{ role: 'asc' }, { createdAt: 'asc' }],
      take: 500,
    }),
    db.prisma.subscription.findUnique({ where: { organizationId } }),
    db.prisma.billingInvoice.findMany({ where: { organizationId }, orderBy: { providerCreated: 'desc' }, take: 24 }),
    db.prisma.apiKey.findMany({
      where: { organizationId },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
      orderBy: { createdAt: 'desc' },
      take: 100,
    }),
    db.prisma.invitation.findMany({ where: { organizationId, acceptedAt: null, revokedAt: null }, orderBy: { createdAt: 'desc' }, take: 100 }),
    db.prisma.adminNote.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 100 }),
  ]);
  const authorIds = [...new Set(notes.map((n) => n.authorUserId).filter((id): id is string => !!id))];
  const authors = await db.prisma.user.findMany({ where: { id: { in: authorIds } }, select: { id: true, name: true, email: true } });
  return {
    organization,
    members: memberships.map((m) => ({ membershipId: m.id, role: m.role, status: m.status, joinedAt: m.createdAt, userId: m.user.id, email: m.user.email, name: m.user.name, lastSignInAt: m.user.lastSignInAt, userStatus: m.user.status })),
    subscription: subscription
      ? {
          planKey: subscription.planKey,
          status: subscription.status,
          providerStatus: subscription.providerStatus,
          billingInterval: subscription.billingInterval,
          seatQuantity: subscription.seatQuantity,
          currentPeriodStart: subscription.currentPeriodStart,
          currentPeriodEnd: subscription.currentPeriodEnd,
          trialEndsAt: subscription.trialEndsAt,
          cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
          providerSubscriptionId: subscription.providerSubscriptionId,
        }
      : null,
    invoices: invoices.map((i) => ({
      id: i.providerInvoiceId,
      number: i.number,
      status: i.status,
      currency: i.currency,
      totalMinor: Number(i.total),
      amountPaidMinor: Number(i.amountPaid),
      amountDueMinor: Number(i.amountDue),
      periodStart: i.periodStart,
      periodEnd: i.periodEnd,
      createdAt: i.providerCreated,
    })),
    apiKeys,
    invitations: invitations.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt, lastSentAt: i.lastSentAt, sendCount: i.sendCount, status: invitationStatus(i, now) })),
    notes: notes.map((n) => ({ id: n.id, body: n.body, createdAt: n.createdAt, author: authors.find((a) => a.id === n.authorUserId) ?? null })),
  };
}
