// Owners only: hand the organization to another active member, or delete it (typed confirmation;
// read-only for 30 days, then erased).
import { Button, Card, Divider, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { MemberSelect } from '../../components/MemberSelect';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';

export function OwnershipCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me, can } = useAccess();
  const organization = me.activeOrganization!;
  const status = useQuery(trpc.organization.deletionStatus.queryOptions());
  const [newOwner, setNewOwner] = useState<string | null>(null);
  const [confirmTransfer, setConfirmTransfer] = useState(false);
  const [typedForTransfer, setTypedForTransfer] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [typedName, setTypedName] = useState('');

  const transfer = useMutation(
    trpc.organization.transferOwnership.mutationOptions({
      onSuccess: async () => {
        setConfirmTransfer(false);
        notifications.show({ color: 'teal', title: 'Ownership transferred', message: 'You are now an admin of this organization.' });
        await queryClient.invalidateQueries();
      },
    }),
  );
  const schedule = useMutation(
    trpc.organization.scheduleDeletion.mutationOptions({
      onSuccess: async () => {
        setConfirmDelete(false);
        setTypedName('');
        await queryClient.invalidateQueries();
      },
    }),
  );
  if (!can('organization:transfer_ownership') && !can('organization:delete')) return null;
  const pendingDeletion = !!status.data?.erasesAt;

  return (
    <Card>
      <Title order={2} fz="md">
        Ownership
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Only owners see this. Both actions are recorded in the audit log.
      </Text>
      <Stack gap="lg">
        {can('organization:transfer_ownership') && (
          <div>
            <Text fw={600} size="sm">
              Transfer ownership
            </Text>
            <Text size="sm" c="dimmed" mb="xs">
              The member you choose becomes an owner; you become an admin.
            </Text>
            <Group align="flex-end" gap="sm" wrap="wrap">
              <div style={{ minWidth: 280, flex: 1, maxWidth: 420 }}>
                <MemberSelect label="New owner" value={newOwner} onChange={setNewOwner} />
              </div>
              <Button variant="default" disabled={!newOwner || pendingDeletion} onClick={() => (transfer.reset(), setTypedForTransfer(''), setConfirmTransfer(true))}>
                Transfer…
              </Button>
            </Group>
          </div>
        )}
        {can('organization:delete') && (
          <>
            <Divider />
            <div>
              <Text fw={600} size="sm" c="red">
                Delete this organization
              </Text>
              <Text size="sm" c="dimmed" mb="xs">
                It becomes read-only at once and stops sending; owners can cancel for 30 days, then all its data is erased.
              </Text>
              <Button color="red" variant="light" disabled={pendingDeletion} onClick={() => (schedule.reset(), setConfirmDelete(true))}>
                {pendingDeletion ? 'Deletion scheduled' : 'Delete organization…'}
              </Button>
            </div>
          </>
        )}
      </Stack>

      <ConfirmModal
        opened={confirmTransfer}
        onClose={() => setConfirmTransfer(false)}
        onConfirm={() => typedForTransfer.trim() === organization.name && newOwner && transfer.mutate({ membershipId: newOwner })}
        title="Transfer ownership?"
        confirmLabel="Transfer ownership"
        pending={transfer.isPending}
        error={transfer.error}
      >
        <Stack gap="sm">
          <Text size="sm">You will become an admin and can no longer manage billing, transfer ownership or delete the organization.</Text>
          <TextInput label={`Type ${organization.name} to confirm`} value={typedForTransfer} onChange={(e) => setTypedForTransfer(e.currentTarget.value)} error={typedForTransfer && typedForTransfer.trim() !== organization.name ? 'The name does not match.' : undefined} />
        </Stack>
      </ConfirmModal>
      <ConfirmModal
        opened={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        onConfirm={() => typedName.trim() === organization.name && schedule.mutate({ confirmName: typedName })}
        title="Delete this organization?"
        confirmLabel="Delete organization"
        pending={schedule.isPending}
        error={schedule.error}
      >
        <Stack gap="sm">
          <Text size="sm">Members keep read-only access for 30 days, during which an owner can cancel. Then every member, team, invitation, usage record and audit entry of {organization.name} is erased.</Text>
          <TextInput label={`Type ${organization.name} to confirm`} value={typedName} onChange={(e) => setTypedName(e.currentTarget.value)} error={typedName && typedName.trim() !== organization.name ? 'The name does not match.' : undefined} />
        </Stack>
      </ConfirmModal>
    </Card>
  );
}
