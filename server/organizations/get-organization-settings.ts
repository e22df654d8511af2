import type { Database } from '../db/open-database';

export async function getOrganizationSettings(db: Database, organizationId: string) {
  return db.prisma.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { id: true, name: true, slug: true, logoDataUrl: true, billingEmail: true, billingCountry: true, customerType: true, alertThresholds: true, contactSharing: true },
  });
}
