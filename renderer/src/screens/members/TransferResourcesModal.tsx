// Hands every contact and campaign one member owns to another active member (e.g. before they leave).
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { MemberSelect } from '../../components/MemberSelect';
import { fieldErrorsOf, hasFieldErrors } from '../../lib/errors';
import { plural } from '../../lib/format';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';

export function TransferResourcesModal({
  opened,
  onClose,
  member,
}: {
  opened: boolean;
  onClose: () => void;
  member: { membershipId: string; name: string; owns: { contacts: number; campaigns: number } };
}) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [to, setTo] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const transfer = useMutation(
    trpc.members.transferResources.mutationOptions({
      onSuccess: async (moved) => {
        notifications.show({
          color: 'teal',
          title: 'Transferred',
          message: `${plural(moved.contacts, 'contact')} and ${plural(moved.campaigns, 'campaign')} moved from ${member.name}.`,
        });
        close();
        await refresh.member();
      },
    }),
  );
  const close = () => {
    setTo(null);
    setMissing(false);
    transfer.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Transfer contacts and campaigns</Text>} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!to) return setMissing(true);
          transfer.mutate({ fromMembershipId: member.membershipId, toMembershipId: to });
        }}
        noValidate
      >
        <Stack gap="md">
          <Text size="sm">
            {member.name} owns {plural(member.owns.contacts, 'contact')} and {plural(member.owns.campaigns, 'campaign')}. Choose who takes them over; their
            history stays with them.
          </Text>
          {!hasFieldErrors(transfer.error, ['toMembershipId']) && <FormErrorAlert error={transfer.error} />}
          <MemberSelect
            label="Transfer to"
            required
            value={to}
            onChange={(v) => (setTo(v), setMissing(false), transfer.reset())}
            excludeMembershipId={member.membershipId}
            error={fieldErrorsOf(transfer.error).toMembershipId ?? (missing ? 'Choose who receives them.' : undefined)}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={transfer.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={transfer.isPending}>
              Transfer
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
