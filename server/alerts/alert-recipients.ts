// Who is responsible for a scope, and so told about its alerts:
//   organization → its owners and admins;
//   team → the team's managers, and the owners and admins;
//   user → the person, and the managers of their teams.
// Only active members with active accounts.
import type { Database } from '../db/open-database';
import type { Recipient } from '../notifications/notify-people';

export type AlertScope = 'organization' | 'team' | 'user';

export async function responsiblePeople(db: Database, organizationId: string, scope: AlertScope, scopeId: string): Promise<Recipient[]> {
  const rows = await db.query<{ user_id: string; email: string; name: string }>(
    `select distinct u.id as user_id, u.email, u.name
       from memberships m join users u on u.id = m.user_id
      where m.organization_id = $1 and m.status = 'active' and u.status = 'active'
        and (
          ($2 in ('organization', 'team') and m.role in ('owner', 'admin'))
          or ($2 = 'team' and exists (select 1 from team_memberships tm where tm.organization_id = $1 and tm.team_id = $3 and tm.user_id = m.user_id and tm.role = 'manager'))
          or ($2 = 'user' and m.user_id = $3)
          or ($2 = 'user' and exists (
                select 1 from team_memberships mine join team_memberships mgr on mgr.organization_id = mine.organization_id and mgr.team_id = mine.team_id
                 where mine.organization_id = $1 and mine.user_id = $3 and mgr.user_id = m.user_id and mgr.role = 'manager'))
        )
      order by u.email`,
    [organizationId, scope, scopeId],
  );
  return rows.map((r) => ({ userId: r.user_id, email: r.email, name: r.name }));
}

/** A scope's name as people read it: the organization's, the team's or the person's. */
export async function scopeName(db: Database, organizationId: string, scope: AlertScope, scopeId: string): Promise<string> {
  const [row] = await db.query<{ name: string }>(
    scope === 'organization'
      ? 'select name from organizations where id = $1 and id = $2'
      : scope === 'team'
        ? 'select name from teams where organization_id = $1 and id = $2'
        : 'select u.name from memberships m join users u on u.id = m.user_id where m.organization_id = $1 and m.user_id = $2',
    [organizationId, scopeId],
  );
  return row?.name ?? (scope === 'team' ? 'A team' : scope === 'user' ? 'A former member' : 'The organization');
}

/** The console route of a scope's usage (the dashboards read these parameters). */
export function usageLink(scope: AlertScope, scopeId: string, metric: string): string {
  return scope === 'organization' ? `usage?scope=organization&metric=${metric}` : `usage?scope=${scope}&id=${scopeId}&metric=${metric}`;
}
