// One member in a side drawer: who they are, their teams, their monthly limits and, for admins, what
// can be done about them.
import { Avatar, Badge, Drawer, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { DrawerSection } from '../../components/DrawerSection';
import { ErrorState } from '../../components/ErrorState';
import { RoleBadge, StatusBadge } from '../../components/RoleBadge';
import { formatDate } from '../../lib/format';
import { useAccess, type RouterOutputs } from '../../lib/me';
import { initials } from '../../shell/UserMenu';
import { useTRPC } from '../../trpc';
import { MemberAccessActions, MemberRoleSelect, MemberTransferButton } from './MemberActions';
import { LimitsList } from '../../components/MetricLimits';
import { MemberLimitsForm } from './MemberLimitsForm';
import { UsedAgainstLimits } from '../usage/UsedAgainstLimits';

type Member = RouterOutputs['members']['get'];

export function MemberDrawer({ membershipId, onClose }: { membershipId: string | null; onClose: () => void }) {
  // Keep showing the last member while the drawer slides out.
  const [shown, setShown] = useState(membershipId);
  useEffect(() => {
    if (membershipId) setShown(membershipId);
  }, [membershipId]);

  return (
    <Drawer opened={!!membershipId} onClose={onClose} position="right" size={480} title={<Text fw={650}>Member</Text>} padding="lg">
      {shown && <MemberDetails membershipId={shown} onRemoved={onClose} />}
    </Drawer>
  );
}

function MemberDetails({ membershipId, onRemoved }: { membershipId: string; onRemoved: () => void }) {
  const trpc = useTRPC();
  const { can, me } = useAccess();
  const member = useQuery(trpc.members.get.queryOptions({ membershipId }));
  if (member.isError) return <ErrorState error={member.error} onRetry={() => member.refetch()} title="This member could not be loaded" />;
  if (!member.data) return <DrawerSkeleton />;
  const m = member.data;
  // Admins do not act on owners (the server refuses it too): an owner's details are read-only to them.
  const manage = can('members:manage') && (m.role !== 'owner' || me.activeOrganization?.role === 'owner');
  const self = m.userId === me.user.id;

  return (
    <Stack gap="lg">
      <Group gap="md" wrap="nowrap" align="flex-start">
        <Avatar size={56} radius="xl" color={m.status === 'active' ? 'brand' : 'gray'} variant="light">
          {initials(m.name)}
        </Avatar>
        <div style={{ minWidth: 0 }}>
          <Title order={2} fz="lg" lh={1.3}>
            {m.name}
            {self && (
              <Badge ml={8} size="sm" variant="outline" color="gray" style={{ verticalAlign: 'middle' }}>
                You
              </Badge>
            )}
          </Title>
          <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
            {m.email}
          </Text>
          <Group gap={6} mt={8}>
            <RoleBadge role={m.role} />
            <StatusBadge status={m.status} />
          </Group>
          <Text size="xs" c="dimmed" mt={8}>
            Member since {formatDate(m.joinedAt)}
          </Text>
        </div>
      </Group>

      <DrawerSection title="Teams">
        {m.teams.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not in any team.
          </Text>
        ) : (
          <Group gap={6}>
            {m.teams.map((t) => (
              <Badge key={t.id} variant="light" color={t.role === 'manager' ? 'teal' : 'gray'} size="lg" radius="sm" fw={500}>
                {t.name}
                {t.role === 'manager' ? ' · Manager' : ''}
              </Badge>
            ))}
          </Group>
        )}
      </DrawerSection>

      {manage && (
        <DrawerSection title="Role">
          <MemberRoleSelect member={m} />
        </DrawerSection>
      )}

      <DrawerSection title="Monthly limits" hint="Per person, on top of the team budget and the organization’s quota.">
        <UsedAgainstLimits scope="user" id={m.userId} />
        {manage ? (
          <MemberLimitsForm key={m.membershipId} membershipId={m.membershipId} name={m.name} limits={m.limits} teamIds={m.teams.map((t) => t.id)} />
        ) : (
          <LimitsList rows={m.limits} empty="No personal limits." />
        )}
      </DrawerSection>

      {manage && (
        <DrawerSection title="Contacts and campaigns">
          <MemberTransferButton member={m} />
        </DrawerSection>
      )}

      {manage && !self && (
        <DrawerSection title="Access">
          <MemberAccessActions member={m} onRemoved={onRemoved} />
        </DrawerSection>
      )}
    </Stack>
  );
}


function DrawerSkeleton() {
  return (
    <Stack gap="md" aria-busy="true" aria-label="Loading member">
      <Group gap="md">
        <Skeleton circle h={56} w={56} />
        <div style={{ flex: 1 }}>
          <Skeleton h={16} w="50%" mb={8} />
          <Skeleton h={12} w="70%" />
        </div>
      </Group>
      <Skeleton h={60} />
      <Skeleton h={120} />
    </Stack>
  );
}

export type { Member };
