import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordAuditEvent } from '../audit/record-audit-event';
import { ORGANIZATION_DELETION_GRACE_MS } from './organization-deletion';

/**
 * Erases one organization whose grace period is over: every row of every table that carries
 * organization_id (read from the catalog, so tables added later are covered), then the
 * organization. The claim (`deletion_scheduled_at` still due, row locked) makes concurrent runs
 * on several servers erase it once. A platform-level audit event (no organization) remains.
 */
export async function eraseOrganization(db: Database, organizationId: string, clock: Clock): Promise<boolean> {
  const due = new Date(clock.now().getTime() - ORGANIZATION_DELETION_GRACE_MS);
  return db.prisma.$transaction(
    async (tx) => {
      const [org] = await tx.$queryRawUnsafe<{ id: string; name: string; slug: string; deletion_scheduled_at: Date }[]>(
        'select id::text, name, slug, deletion_scheduled_at from organizations where id = $1::uuid and deletion_scheduled_at <= $2::timestamptz for update skip locked',
        organizationId,
        due,
      );
      if (!org) return false;
      // The audit log is append-only (database triggers); erasing the organization is the one
      // exception, and it must name the organization whose chain it deletes, for this transaction only.
      await tx.$executeRawUnsafe(`select set_config('meterdesk.erasing_organization', $1, true)`, organizationId);
      // Tables that reference others go first, so foreign keys never stand in the way.
      const tables = await tx.$queryRawUnsafe<{ table_name: string }[]>(
        `select c.table_name from information_schema.columns c
          where c.table_schema = current_schema() and c.column_name = 'organization_id' and c.table_name <> 'organizations'
            and exists (select 1 from information_schema.tables t where t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE')
          order by (select count(*) from information_schema.table_constraints k where k.table_schema = c.table_schema and k.table_name = c.table_name and k.constraint_type = 'FOREIGN KEY') desc, c.table_name`,
      );
      const erased: Record<string, number> = {};
      for (const { table_name } of tables) {
        erased[table_name] = await tx.$executeRawUnsafe(`delete from "${table_name.replace(/"/g, '""')}" where organization_id = $1::uuid`, organizationId);
      }
      await tx.session.updateMany({ where: { activeOrganizationId: organizationId }, data: { activeOrganizationId: null } });
      await tx.organization.delete({ where: { id: organizationId } });
      await recordAuditEvent(tx, { actorUserId: null, action: 'organization.erase', targetType: 'organization', targetId: organizationId, before: { name: org.name, slug: org.slug, deletionScheduledAt: org.deletion_scheduled_at.toISOString() }, after: { rowsErased: erased } });
      return true;
    },
    { timeout: 120_000 },
  );
}

/** The job: erases every organization whose grace period has ended. Returns how many it erased. */
export async function eraseDueOrganizations(db: Database, clock: Clock): Promise<number> {
  const due = new Date(clock.now().getTime() - ORGANIZATION_DELETION_GRACE_MS);
  const orgs = await db.prisma.organization.findMany({ where: { deletionScheduledAt: { lte: due } }, select: { id: true }, take: 50 });
  let count = 0;
  for (const { id } of orgs) if (await eraseOrganization(db, id, clock)) count++;
  return count;
}
