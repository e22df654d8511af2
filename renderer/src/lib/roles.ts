// How organization roles look and read in the console; who may hand out which role.
import { ORG_ROLES, ORG_ROLE_LABELS, type OrgRoleName } from '../../../server/permissions/permissions';

export const ROLE_COLORS: Record<OrgRoleName, string> = { owner: 'brand', admin: 'violet', manager: 'teal', member: 'blue', guest: 'gray' };

export const ROLE_DESCRIPTIONS: Record<OrgRoleName, string> = {
  owner: 'Billing, ownership and everything admins do',
  admin: 'Members, teams, settings and all communications',
  manager: 'Their teams’ members, usage and communications',
  member: 'Sends within limits; their own contacts',
  guest: 'Read-only',
};

/** Role choices for a select; only owners may make someone an owner. */
export function roleOptions(canPickOwner: boolean): { value: OrgRoleName; label: string }[] {
  return ORG_ROLES.filter((r) => canPickOwner || r !== 'owner').map((r) => ({ value: r, label: ORG_ROLE_LABELS[r] }));
}

export function isOrgRole(value: string): value is OrgRoleName {
  return (ORG_ROLES as readonly string[]).includes(value);
}
