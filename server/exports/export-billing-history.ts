// An organization's invoices and payments from the billing mirror (what Stripe last showed), as CSV.
// Small (one row per invoice), so built in memory; amounts in minor units beside their currency.
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../db/open-database';

export async function exportBillingHistory(db: Database, organizationId: string, now: Date) {
  const invoices = await db.prisma.billingInvoice.findMany({ where: { organizationId }, orderBy: { providerCreated: 'asc' } });
  const rows = invoices.map((i) => [
    i.providerCreated.toISOString(),
    i.number ?? '',
    i.providerInvoiceId,
    i.status,
    i.currency,
    i.total.toString(),
    i.tax.toString(),
    i.amountDue.toString(),
    i.amountPaid.toString(),
    i.amountRemaining.toString(),
    i.periodStart?.toISOString() ?? '',
    i.periodEnd?.toISOString() ?? '',
    i.amountPaid > 0n ? 'payment' : '',
  ]);
  const csv = stringify(rows, { header: true, columns: ['created_at', 'number', 'invoice_id', 'status', 'currency', 'total_minor', 'tax_minor', 'amount_due_minor', 'amount_paid_minor', 'amount_remaining_minor', 'period_start', 'period_end', 'payment'] });
  const paid = invoices.filter((i) => i.amountPaid > 0n);
  return { fileName: `meterdesk-billing-${now.toISOString().slice(0, 10)}.csv`, csv, invoices: invoices.length, payments: paid.length };
}
