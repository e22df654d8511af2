import type { Database } from '../db/open-database';

/** General settings every member may read. Billing details are separate (getBillingProfile). */
export async function getOrganizationSettings(db: Database, organizationId: string) {
  return db.prisma.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { id: true, name: true, slug: true, logoDataUrl: true, alertThresholds: true, contactSharing: true },
  });
}

/** Where invoices go and how tax applies: for roles that may read billing. */
export async function getBillingProfile(db: Database, organizationId: string) {
  return db.prisma.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { billingEmail: true, billingCountry: true, customerType: true },
  });
}
