// What an admin can do to a member: change their role, deactivate or reactivate, delete, and hand
// their contacts and campaigns to someone else. The server's refusals (e.g. the last owner) are shown
// with its own words.
import { Button, Group, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowsExchange, IconPlayerPlay, IconPlayerPause, IconTrash } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { errorMessage } from '../../lib/errors';
import { plural } from '../../lib/format';
import { orgRoleLabel, useAccess, type RouterOutputs } from '../../lib/me';
import { ROLE_DESCRIPTIONS, isOrgRole, roleOptions } from '../../lib/roles';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';
import { RemoveMemberModal } from './RemoveMemberModal';
import { TransferResourcesModal } from './TransferResourcesModal';
import { usePatchMemberRows } from './useMembersQuery';

type Member = RouterOutputs['members']['get'];

export function MemberRoleSelect({ member }: { member: Member }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const patchRows = usePatchMemberRows();
  const { orgRole } = useAccess();
  const isOwner = orgRole === 'owner';
  const [pendingOwner, setPendingOwner] = useState(false);
  const change = useMutation(
    trpc.members.changeRole.mutationOptions({
      onSuccess: async ({ role }) => {
        setPendingOwner(false);
        notifications.show({ color: 'teal', message: `${member.name}’s role is now ${orgRoleLabel(role)}.` });
        patchRows(member.membershipId, { role });
        await refresh.member();
      },
      onError: (error) => {
        setPendingOwner(false);
        notifications.show({ color: 'red', title: 'The role was not changed', message: errorMessage(error) });
      },
    }),
  );
  const lockedOwner = member.role === 'owner' && !isOwner;
  const selected = isOrgRole(member.role) ? member.role : null;

  return (
    <>
      <Select
        aria-label="Role"
        size="sm"
        description={lockedOwner ? 'Only owners can change an owner’s role.' : selected ? ROLE_DESCRIPTIONS[selected] : undefined}
        inputWrapperOrder={['input', 'description', 'error']}
        data={roleOptions(isOwner || member.role === 'owner')}
        value={member.role}
        allowDeselect={false}
        disabled={lockedOwner || change.isPending}
        onChange={(role) => {
          if (!role || !isOrgRole(role) || role === member.role) return;
          if (role === 'owner') setPendingOwner(true);
          else change.mutate({ membershipId: member.membershipId, role });
        }}
        maw={320}
      />
      <ConfirmModal
        opened={pendingOwner}
        onClose={() => setPendingOwner(false)}
        onConfirm={() => change.mutate({ membershipId: member.membershipId, role: 'owner' })}
        title={`Make ${member.name} an owner?`}
        confirmLabel="Make owner"
        color="brand"
        pending={change.isPending}
      >
        <Text size="sm">Owners manage billing, can transfer or delete the organization, and can change other owners’ roles.</Text>
      </ConfirmModal>
    </>
  );
}

export function MemberTransferButton({ member }: { member: Member }) {
  const [open, setOpen] = useState(false);
  const owned = member.owns.contacts + member.owns.campaigns;
  return (
    <>
      <Stack gap="xs" align="flex-start">
        <Text size="sm" c={owned ? undefined : 'dimmed'}>
          {owned
            ? `Owns ${plural(member.owns.contacts, 'contact')} and ${plural(member.owns.campaigns, 'campaign')}.`
            : `${member.name} owns no contacts or campaigns.`}
        </Text>
        <Button size="xs" variant="default" leftSection={<IconArrowsExchange size={14} />} onClick={() => setOpen(true)} disabled={owned === 0}>
          Transfer contacts and campaigns
        </Button>
      </Stack>
      <TransferResourcesModal opened={open} onClose={() => setOpen(false)} member={member} />
    </>
  );
}

export function MemberAccessActions({ member, onRemoved }: { member: Member; onRemoved: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const patchRows = usePatchMemberRows();
  // The status being confirmed, fixed when the dialog opens so its words do not flip as it closes.
  const [nextStatus, setNextStatus] = useState<'active' | 'deactivated' | null>(null);
  const [shownStatus, setShownStatus] = useState<'active' | 'deactivated'>('deactivated');
  const [confirmRemove, setConfirmRemove] = useState(false);
  const active = member.status === 'active';
  const deactivating = shownStatus === 'deactivated';
  const setStatus = useMutation(
    trpc.members.setStatus.mutationOptions({
      onSuccess: async ({ status }) => {
        setNextStatus(null);
        notifications.show({ color: 'teal', message: status === 'active' ? `${member.name} can sign in again.` : `${member.name} was deactivated.` });
        patchRows(member.membershipId, { status });
        await refresh.member();
      },
    }),
  );
  const openStatus = () => {
    const target = active ? 'deactivated' : 'active';
    setStatus.reset();
    setShownStatus(target);
    setNextStatus(target);
  };

  return (
    <Stack gap="sm">
      <Group gap="sm">
        <Button
          variant="default"
          leftSection={active ? <IconPlayerPause size={16} /> : <IconPlayerPlay size={16} />}
          onClick={openStatus}
        >
          {active ? 'Deactivate' : 'Reactivate'}
        </Button>
        <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirmRemove(true)}>
          Delete member
        </Button>
      </Group>
      <ConfirmModal
        opened={nextStatus !== null}
        onClose={() => setNextStatus(null)}
        onConfirm={() => nextStatus && setStatus.mutate({ membershipId: member.membershipId, status: nextStatus })}
        title={deactivating ? `Deactivate ${member.name}?` : `Reactivate ${member.name}?`}
        confirmLabel={deactivating ? 'Deactivate' : 'Reactivate'}
        color={deactivating ? 'orange' : 'teal'}
        pending={setStatus.isPending}
        error={setStatus.error}
      >
        <Text size="sm">
          {deactivating
            ? `${member.name} will not be able to sign in to this organization; if it is their only one, their open sessions end now. Their teams, contacts, campaigns and history stay, and you can reactivate them at any time.`
            : `${member.name} will be able to sign in again, with the role and teams they had.`}
        </Text>
      </ConfirmModal>
      <RemoveMemberModal
        opened={confirmRemove}
        onClose={() => setConfirmRemove(false)}
        onRemoved={onRemoved}
        onDeactivateInstead={active ? openStatus : undefined}
        member={member}
      />
    </Stack>
  );
}
