// Use case: the organization's invoices as the mirror holds them (newest first), with Stripe's
// hosted page and PDF links and their status.
import type { Database } from '../db/open-database';

export async function listBillingInvoices(db: Database, organizationId: string) {
  const rows = await db.prisma.billingInvoice.findMany({ where: { organizationId }, orderBy: { providerCreated: 'desc' }, take: 100 });
  return rows.map((i) => ({
    id: i.providerInvoiceId,
    number: i.number,
    status: i.status,
    currency: i.currency,
    totalMinor: Number(i.total),
    amountDueMinor: Number(i.amountDue),
    amountPaidMinor: Number(i.amountPaid),
    amountRemainingMinor: Number(i.amountRemaining),
    hostedUrl: i.hostedInvoiceUrl,
    pdfUrl: i.invoicePdf,
    periodStart: i.periodStart,
    periodEnd: i.periodEnd,
    createdAt: i.providerCreated,
  }));
}
