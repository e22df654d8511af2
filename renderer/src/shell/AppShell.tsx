// The signed-in frame: header (brand, theme, account), sidebar (organization, sections) and the
// current screen. Sections the user's role may not see are neither listed nor reachable by URL.
import { AppShell, Burger, Container, Divider, Group, NavLink, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { BrandMark } from '../components/BrandMark';
import { useAccess } from '../lib/me';
import { useHashRoute } from '../lib/useHashRoute';
import { ComingSoonScreen } from '../screens/ComingSoonScreen';
import { ApiKeysScreen } from '../screens/api-keys/ApiKeysScreen';
import { AuditLogScreen } from '../screens/audit/AuditLogScreen';
import { DashboardScreen } from '../screens/DashboardScreen';
import { MembersScreen } from '../screens/members/MembersScreen';
import { ContactsScreen } from '../screens/contacts/ContactsScreen';
import { SettingsScreen } from '../screens/SettingsScreen';
import { TeamsScreen } from '../screens/teams/TeamsScreen';
import { UsageScreen } from '../screens/usage/UsageScreen';
import { ExportsScreen } from '../screens/exports/ExportsScreen';
import { TenantsScreen } from '../screens/tenants/TenantsScreen';
import { AccountScreen } from '../screens/account/AccountScreen';
import { DeletionBanner } from './DeletionBanner';
import { SubscriptionBanner } from './SubscriptionBanner';
import { BillingScreen } from '../screens/billing/BillingScreen';
import { CampaignsScreen } from '../screens/campaigns/CampaignsScreen';
import { ColorSchemeToggle } from './ColorSchemeToggle';
import { NAV_ITEMS, type NavItem } from './navigation';
import { OrganizationSwitcher } from './OrganizationSwitcher';
import { UserMenu } from './UserMenu';
import { NotificationBell } from './NotificationBell';
import { UsageAlertBanner } from './UsageAlertBanner';
import { WebhooksScreen } from '../screens/webhooks/WebhooksScreen';
import { ImpersonationBanner } from './ImpersonationBanner';
import { StaffScreen } from '../screens/platform/StaffScreen';
import { RevenueScreen } from '../screens/platform/RevenueScreen';
import { PlanLabScreen } from '../screens/plan-lab/PlanLabScreen';
import { PlatformUsageScreen } from '../screens/platform/PlatformUsageScreen';
import { SystemHealthScreen } from '../screens/platform/SystemHealthScreen';
import { PeopleScreen } from '../screens/platform/PeopleScreen';
import { PlanLabReplayScreen } from '../screens/plan-lab/PlanLabReplayScreen';
import { ShortcutsScreen } from '../screens/ShortcutsScreen';
import { SCREEN_SHORTCUTS, SHORTCUT_LIST } from '../lib/shortcuts';

export function ConsoleShell() {
  const access = useAccess();
  const [route, navigate] = useHashRoute();
  const [navOpened, nav] = useDisclosure(false);
  // Between the phone layout (burger, below sm) and a wide window (lg, 1200 px), the sidebar is a
  // rail of icons, so a 1024 px window keeps its width for tables.
  const compact = useMediaQuery('(min-width: 48em) and (max-width: 74.99em)', false, { getInitialValueInEffect: false });
  const mainRef = useRef<HTMLDivElement>(null);

  const visible = NAV_ITEMS.filter((item) => item.visible(access));
  const current = visible.find((item) => item.route === route) ?? visible[0]!;

  // Unknown or forbidden addresses (e.g. #/sign-in right after signing in) settle on the dashboard.
  useEffect(() => {
    if (current.route !== route) navigate(current.route, { replace: true });
  }, [current.route, route, navigate]);

  // Ctrl/Cmd + 1…9 opens the main screens (the desktop menu has the same accelerators), Ctrl/Cmd + / the list.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const shortcut = [...SCREEN_SHORTCUTS, SHORTCUT_LIST].find((s) => s.key === e.key);
      if (!shortcut || !NAV_ITEMS.find((i) => i.route === shortcut.route)?.visible(access)) return;
      e.preventDefault();
      navigate(shortcut.route);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [access, navigate]);

  // Screen readers and keyboard users start at the new screen, not at the top of the sidebar.
  const firstRender = useRef(true);
  const closeNav = nav.close; // stable, unlike the `nav` object itself
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
    closeNav();
  }, [current.route, closeNav]);

  const orgItems = visible.filter((i) => !i.group && !i.hidden);
  const platformItems = visible.filter((i) => i.group === 'platform' && !i.hidden);

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: { sm: 76, lg: 264 }, breakpoint: 'sm', collapsed: { mobile: !navOpened } }} padding={0}>
      <a className="md-skip-link" href="#main-content" onClick={(e) => (e.preventDefault(), mainRef.current?.focus())}>
        Skip to content
      </a>
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label={navOpened ? 'Close navigation' : 'Open navigation'} />
            <BrandMark />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <NotificationBell />
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p={compact ? 'xs' : 'md'} aria-label="Main navigation" data-compact={compact || undefined}>
        <AppShell.Section>
          <OrganizationSwitcher compact={compact} onSwitched={() => navigate('dashboard')} />
        </AppShell.Section>
        <AppShell.Section grow component={ScrollArea} mt="md" mx="-xs" px="xs">
          <Stack gap={2} component="nav" aria-label="Sections">
            {orgItems.map((item) => (
              <SectionLink key={item.route} item={item} active={item.route === current.route} compact={compact} />
            ))}
            {platformItems.length > 0 && (
              <>
                <Divider my="sm" />
                {!compact && (
                  <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mb={4} style={{ letterSpacing: '0.06em' }}>
                    Platform
                  </Text>
                )}
                {platformItems.map((item) => (
                  <SectionLink key={item.route} item={item} active={item.route === current.route} compact={compact} />
                ))}
              </>
            )}
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <ImpersonationBanner />
        <Container id="main-content" ref={mainRef} tabIndex={-1} size="lg" px={{ base: 'md', sm: 'xl' }} py="xl" style={{ outline: 'none' }}>
          <DeletionBanner />
          <SubscriptionBanner />
          <UsageAlertBanner />
          <Screen item={current} />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}

function SectionLink({ item, active, compact }: { item: NavItem; active: boolean; compact: boolean }) {
  const Icon = item.icon;
  const link = (
    <NavLink
      href={`#/${item.route}`}
      // In the rail the name is the link's accessible name and its tooltip.
      label={compact ? undefined : item.label}
      aria-label={compact ? item.label : undefined}
      leftSection={<Icon size={compact ? 20 : 18} stroke={1.7} />}
      active={active}
      aria-current={active ? 'page' : undefined}
      className="md-nav-link"
      data-compact={compact || undefined}
      variant="light"
    />
  );
  return compact ? (
    <Tooltip label={item.label} position="right" withArrow openDelay={150}>
      {link}
    </Tooltip>
  ) : (
    link
  );
}

function Screen({ item }: { item: NavItem }) {
  switch (item.route) {
    case 'dashboard':
      return <DashboardScreen />;
    case 'members':
      return <MembersScreen />;
    case 'contacts':
      return <ContactsScreen />;
    case 'teams':
      return <TeamsScreen />;
    case 'usage':
      return <UsageScreen />;
    case 'exports':
      return <ExportsScreen />;
    case 'billing':
      return <BillingScreen />;
    case 'campaigns':
      return <CampaignsScreen />;
    case 'api-keys':
      return <ApiKeysScreen />;
    case 'webhooks':
      return <WebhooksScreen />;
    case 'audit':
      return <AuditLogScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'account':
      return <AccountScreen />;
    case 'shortcuts':
      return <ShortcutsScreen />;
    case 'tenants':
      return <TenantsScreen />;
    case 'people':
      return <PeopleScreen />;
    case 'revenue':
      return <RevenueScreen />;
    case 'plan-replay':
      return <PlanLabReplayScreen />;
    case 'plan-lab':
      return <PlanLabScreen />;
    case 'platform-usage':
      return <PlatformUsageScreen />;
    case 'health':
      return <SystemHealthScreen />;
    case 'staff':
      return <StaffScreen />;
    default:
      return <ComingSoonScreen title={item.label} description={item.comingSoon ?? 'This section is on its way.'} icon={<item.icon size={26} />} />;
  }
}
