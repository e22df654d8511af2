// One table of role → permissions, read by the server (every procedure names the permission it
// needs) and by the renderer (which hides what the same table forbids). Pure data: no imports.

export const ORG_ROLES = ['owner', 'admin', 'manager', 'member', 'guest'] as const;
export type OrgRoleName = (typeof ORG_ROLES)[number];

export const PLATFORM_ROLES = ['super_admin', 'support', 'finance'] as const;
export type PlatformRoleName = (typeof PLATFORM_ROLES)[number];

/** Permissions inside one organization. `team:` variants are limited to the teams a manager runs. */
export const ORG_PERMISSIONS = [
  'organization:read',
  'organization:update',
  'organization:delete',
  'organization:transfer_ownership',
  'members:read',
  'members:read_team',
  'members:manage',
  'members:manage_team',
  'teams:read',
  'teams:manage',
  'teams:manage_own',
  'invitations:manage',
  'billing:read',
  'billing:manage',
  'usage:read',
  'usage:read_team',
  'usage:read_own',
  'usage:export',
  'communications:read_all',
  'communications:read_team',
  'communications:read_own',
  'communications:send',
  'contacts:read_all',
  'contacts:read_team',
  'contacts:manage_own',
  /** Edit, tag, delete and change consent of the contacts of the teams one manages. */
  'contacts:manage_team',
  /** Edit, tag, delete and change consent of every contact of the organization. */
  'contacts:manage_all',
  'audit:read',
  'api_keys:manage',
  /** Register outbound webhook endpoints, read their delivery log, replay deliveries. */
  'webhooks:manage',
] as const;
export type OrgPermission = (typeof ORG_PERMISSIONS)[number];

export const PLATFORM_PERMISSIONS = [
  'platform:tenants:read',
  'platform:tenants:manage',
  'platform:impersonate',
  'platform:trials:extend',
  'platform:credits:grant',
  'platform:revenue:read',
  /** Replay recorded usage against a draft plan version (plan lab what-if replay). */
  'platform:plans:replay',
  'platform:invoices:read',
  'platform:staff:manage',
  /** Issue a password reset link for someone who cannot get one by email (support tools). */
  'platform:users:reset_password',
  /** Platform-wide settings, such as invite-only sign-up. */
  'platform:settings:manage',
  /** Suspend or lift the suspension of a tenant (read-only with a banner): abuse, payment failure. */
  'platform:tenants:suspend',
  /** A monetary credit on the tenant's billing account (provider customer balance), not metering units. */
  'platform:billing:credit',
  /** Refund an invoice's payment through the billing provider. */
  'platform:billing:refund',
  /** Put a tenant on another plan (through the provider, or locally for tenants billed outside it). */
  'platform:billing:set_plan',
  /** Search people across tenants (memberships, last sign-in) and read a tenant's detail. */
  'platform:users:read',
  /** Add admin notes about a tenant (audited). */
  'platform:notes:write',
  /** Support tools: resend a tenant's invitation, end a person's sessions (each with a reason, audited). */
  'platform:support:tools',
  /** Usage across tenants: by metric, top tenants, growth. */
  'platform:usage:read',
  /** System health: database, migrations, job queues, providers. */
  'platform:health:read',
  /** See who the platform's staff are (managing them is platform:staff:manage). */
  'platform:staff:read',
  /** Plan lab (issue 14): see plans' versions, subscribers per version, compare versions. */
  'platform:plans:read',
  /** Plan lab: draft, publish and migrate tenants between plan versions (staff and finance). */
  'platform:plans:manage',
] as const;
export type PlatformPermission = (typeof PLATFORM_PERMISSIONS)[number];

const memberBase: OrgPermission[] = [
  'organization:read',
  'teams:read',
  'usage:read_own',
  'communications:read_own',
  'communications:send',
  'contacts:manage_own',
];

const managerBase: OrgPermission[] = [
  ...memberBase,
  'members:read_team',
  'members:manage_team',
  'teams:manage_own',
  'usage:read_team',
  'usage:export',
  'communications:read_team',
  'contacts:read_team',
  'contacts:manage_team',
];

const adminBase: OrgPermission[] = [
  ...managerBase,
  'organization:update',
  'members:read',
  'members:manage',
  'teams:manage',
  'invitations:manage',
  'billing:read',
  'usage:read',
  'communications:read_all',
  'contacts:read_all',
  'contacts:manage_all',
  'audit:read',
  'api_keys:manage',
  'webhooks:manage',
];

export const ORG_ROLE_PERMISSIONS: Record<OrgRoleName, readonly OrgPermission[]> = {
  owner: [...adminBase, 'billing:manage', 'organization:delete', 'organization:transfer_ownership'],
  admin: adminBase,
  manager: managerBase,
  member: memberBase,
  guest: ['organization:read', 'teams:read', 'usage:read_own', 'communications:read_own'],
};

export const PLATFORM_ROLE_PERMISSIONS: Record<PlatformRoleName, readonly PlatformPermission[]> = {
  super_admin: [...PLATFORM_PERMISSIONS],
  support: ['platform:tenants:read', 'platform:impersonate', 'platform:trials:extend', 'platform:credits:grant', 'platform:users:reset_password', 'platform:tenants:suspend', 'platform:billing:credit'],
  // Money back is finance's call alone (super admins aside); goodwill credits are support's and finance's.
  finance: ['platform:tenants:read', 'platform:revenue:read', 'platform:invoices:read', 'platform:billing:refund', 'platform:billing:credit'],
};
// Issue 11: support looks after tenants and people; finance reads revenue and invoices. Neither sees
// the other's screens; super admins (every permission above) see everything.
(PLATFORM_ROLE_PERMISSIONS.support as PlatformPermission[]).push('platform:users:read', 'platform:notes:write', 'platform:support:tools', 'platform:usage:read', 'platform:health:read');
// Issue 14: finance weighs plan changes against the revenue they read (super admins have it too).
(PLATFORM_ROLE_PERMISSIONS.finance as PlatformPermission[]).push('platform:plans:replay');
// Issue 14: pricing is finance's (and super admins'); support may look at the plan lab, not change it.
(PLATFORM_ROLE_PERMISSIONS.finance as PlatformPermission[]).push('platform:plans:read', 'platform:plans:manage');
(PLATFORM_ROLE_PERMISSIONS.support as PlatformPermission[]).push('platform:plans:read');


export function orgRoleCan(role: OrgRoleName | null | undefined, permission: OrgPermission): boolean {
  return !!role && ORG_ROLE_PERMISSIONS[role].includes(permission);
}

export function platformRoleCan(role: PlatformRoleName | null | undefined, permission: PlatformPermission): boolean {
  return !!role && PLATFORM_ROLE_PERMISSIONS[role].includes(permission);
}

export const ORG_ROLE_LABELS: Record<OrgRoleName, string> = {
  owner: 'Owner',
  admin: 'Admin',
  manager: 'Manager',
  member: 'Member',
  guest: 'Guest',
};

export const PLATFORM_ROLE_LABELS: Record<PlatformRoleName, string> = {
  super_admin: 'Super admin',
  support: 'Support',
  finance: 'Finance',
};
