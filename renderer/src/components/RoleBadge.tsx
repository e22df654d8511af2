import { Badge, type BadgeProps } from '@mantine/core';
import { orgRoleLabel } from '../lib/me';
import { ROLE_COLORS, isOrgRole } from '../lib/roles';

/** An organization role as a colored badge, the same color everywhere in the console. */
export function RoleBadge({ role, ...props }: { role: string } & Omit<BadgeProps, 'children' | 'color'>) {
  return (
    <Badge variant="light" color={isOrgRole(role) ? ROLE_COLORS[role] : 'gray'} {...props}>
      {orgRoleLabel(role)}
    </Badge>
  );
}

export function StatusBadge({ status, ...props }: { status: string } & Omit<BadgeProps, 'children' | 'color'>) {
  const active = status === 'active';
  return (
    <Badge variant={active ? 'dot' : 'light'} color={active ? 'teal' : 'gray'} {...props}>
      {active ? 'Active' : 'Deactivated'}
    </Badge>
  );
}
