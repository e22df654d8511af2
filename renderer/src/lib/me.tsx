// The signed-in user, their acting organization and what they may do there, from auth.me. The shell
// provides it so screens never deal with the signed-out case.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createContext, useContext, useMemo } from 'react';
import type { AppRouter } from '../../../server/api/root';
import {
  ORG_ROLE_LABELS,
  PLATFORM_ROLE_LABELS,
  orgRoleCan,
  platformRoleCan,
  type OrgPermission,
  type OrgRoleName,
  type PlatformPermission,
} from '../../../server/permissions/permissions';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type Me = NonNullable<RouterOutputs['auth']['me']>;

export interface Access {
  me: Me;
  orgRole: OrgRoleName | null;
  orgRoleLabel: string | null;
  platformRoleLabel: string | null;
  /** Same table the server checks (server/permissions/permissions.ts), so hidden == forbidden. */
  can: (permission: OrgPermission) => boolean;
  canPlatform: (permission: PlatformPermission) => boolean;
}

const MeContext = createContext<Access | null>(null);

export function MeProvider({ me, children }: { me: Me; children: React.ReactNode }) {
  const access = useMemo<Access>(() => {
    const orgRole = (me.activeOrganization?.role ?? null) as OrgRoleName | null;
    const platformRole = me.user.platformRole;
    return {
      me,
      orgRole,
      orgRoleLabel: orgRole ? ORG_ROLE_LABELS[orgRole] : null,
      platformRoleLabel: platformRole ? PLATFORM_ROLE_LABELS[platformRole] : null,
      can: (permission) => orgRoleCan(orgRole, permission),
      canPlatform: (permission) => platformRoleCan(platformRole, permission),
    };
  }, [me]);
  return <MeContext.Provider value={access}>{children}</MeContext.Provider>;
}

export function useAccess(): Access {
  const access = useContext(MeContext);
  if (!access) throw new Error('useAccess() is only available inside the signed-in shell.');
  return access;
}

export function orgRoleLabel(role: string): string {
  return ORG_ROLE_LABELS[role as OrgRoleName] ?? role;
}
