// The sidebar's sections, each with the permission that reveals it (the same table the server checks).
import {
  IconAddressBook,
  IconBuildingCommunity,
  IconChartBar,
  IconCreditCard,
  IconHistory,
  IconKey,
  IconKeyboard,
  IconLayoutDashboard,
  IconMessage2,
  IconSettings,
  IconUsers,
  IconUserShield,
  IconUsersGroup,
  IconWebhook,
  IconShieldLock,
  IconReportMoney,
  IconActivityHeartbeat,
  IconChartAreaLine,
  IconUserSearch,
  IconFileExport,
  IconFlask,
} from '@tabler/icons-react';
import type { Access } from '../lib/me';

export interface NavItem {
  route: string;
  label: string;
  icon: React.ComponentType<{ size?: number; stroke?: number }>;
  visible: (access: Access) => boolean;
  /** What the section will do, shown while it is not built yet. */
  comingSoon?: string;
  group?: 'platform';
  /** Reachable by address (e.g. from the account menu) but not listed in the sidebar. */
  hidden?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { route: 'dashboard', label: 'Dashboard', icon: IconLayoutDashboard, visible: () => true },
  {
    route: 'members',
    label: 'Members',
    icon: IconUsers,
    visible: (a) => a.can('members:read') || a.can('members:read_team'),
  },
  {
    route: 'teams',
    label: 'Teams',
    icon: IconUsersGroup,
    visible: (a) => a.can('teams:read'),
  },
  {
    route: 'usage',
    label: 'Usage',
    icon: IconChartBar,
    // Owners and admins see the organization, managers their teams, everyone else their own usage.
    visible: (a) => a.can('usage:read') || a.can('usage:read_team') || a.can('usage:read_own'),
  },
  {
    route: 'exports',
    label: 'Exports',
    icon: IconFileExport,
    // Everyone may export what they may read: the organization, their teams, or themselves.
    visible: (a) => a.can('usage:read_own'),
  },
  {
    route: 'billing',
    label: 'Billing',
    icon: IconCreditCard,
    visible: (a) => a.can('billing:read'),
  },
  {
    route: 'contacts',
    label: 'Contacts',
    icon: IconAddressBook,
    visible: (a) => a.can('contacts:read_all') || a.can('contacts:read_team') || a.can('contacts:manage_own'),
  },
  {
    route: 'campaigns',
    label: 'Campaigns',
    icon: IconMessage2,
    visible: (a) => a.can('communications:send') || a.can('communications:read_all') || a.can('communications:read_team') || a.can('communications:read_own'),
  },
  { route: 'api-keys', label: 'API keys', icon: IconKey, visible: (a) => a.can('api_keys:manage') },
  { route: 'webhooks', label: 'Alerts & webhooks', icon: IconWebhook, visible: (a) => a.can('webhooks:manage') },
  { route: 'audit', label: 'Audit log', icon: IconHistory, visible: (a) => a.can('audit:read') },
  { route: 'settings', label: 'Settings', icon: IconSettings, visible: () => true },
  { route: 'account', label: 'Password and sessions', icon: IconUserShield, visible: () => true, hidden: true },
  { route: 'shortcuts', label: 'Keyboard shortcuts', icon: IconKeyboard, visible: () => true, hidden: true },
  {
    route: 'tenants',
    label: 'Tenants',
    icon: IconBuildingCommunity,
    group: 'platform',
    visible: (a) => a.canPlatform('platform:tenants:read'),
  },
  { route: 'people', label: 'People', icon: IconUserSearch, group: 'platform', visible: (a) => a.canPlatform('platform:users:read') },
  { route: 'revenue', label: 'Revenue', icon: IconReportMoney, group: 'platform', visible: (a) => a.canPlatform('platform:revenue:read') },
  { route: 'plan-replay', label: 'What-if replay', icon: IconFlask, group: 'platform', visible: (a) => a.canPlatform('platform:plans:replay') },
  { route: 'plan-lab', label: 'Plan lab', icon: IconFlask, group: 'platform', visible: (a) => a.canPlatform('platform:plans:read') },
  { route: 'platform-usage', label: 'Platform usage', icon: IconChartAreaLine, group: 'platform', visible: (a) => a.canPlatform('platform:usage:read') },
  { route: 'health', label: 'System health', icon: IconActivityHeartbeat, group: 'platform', visible: (a) => a.canPlatform('platform:health:read') },
  { route: 'staff', label: 'Staff', icon: IconShieldLock, group: 'platform', visible: (a) => a.canPlatform('platform:staff:manage') },
];
