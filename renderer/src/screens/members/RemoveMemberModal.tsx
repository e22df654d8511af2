// Deleting a member, with what it means next to deactivating, and (when they own contacts or
// campaigns) who receives them.
import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { MemberSelect } from '../../components/MemberSelect';
import { fieldErrorsOf, hasFieldErrors } from '../../lib/errors';
import { plural } from '../../lib/format';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';
import { usePatchMemberRows } from './useMembersQuery';

export function RemoveMemberModal({
  opened,
  onClose,
  onRemoved,
  onDeactivateInstead,
  member,
}: {
  opened: boolean;
  onClose: () => void;
  onRemoved: () => void;
  /** Offered when the member is still active: the gentler option. */
  onDeactivateInstead?: () => void;
  member: { membershipId: string; name: string; email: string; owns: { contacts: number; campaigns: number } };
}) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const patchRows = usePatchMemberRows();
  const [heir, setHeir] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: async (result) => {
        notifications.show({
          color: 'teal',
          title: `${member.name} was removed`,
          message:
            (result.contacts || result.campaigns ? `${plural(result.contacts, 'contact')} and ${plural(result.campaigns, 'campaign')} were handed over. ` : '') +
            (result.anonymized ? 'They belonged to no other organization, so their personal data was erased.' : ''),
        });
        patchRows(member.membershipId, 'remove');
        close();
        onRemoved();
        await refresh.member();
      },
    }),
  );
  // The server has the last word on what they own (it may have changed since the drawer loaded).
  const needsHeir = member.owns.contacts + member.owns.campaigns > 0 || hasFieldErrors(remove.error, ['transferToMembershipId']);
  const close = () => {
    setHeir(null);
    setMissing(false);
    remove.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Delete {member.name}?</Text>} centered size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (needsHeir && !heir) return setMissing(true);
          remove.mutate({ membershipId: member.membershipId, transferToMembershipId: heir ?? undefined });
        }}
        noValidate
      >
        <Stack gap="md">
          <Text size="sm">
            {member.name} ({member.email}) will leave this organization for good:
          </Text>
          <List size="sm" spacing={4}>
            <List.Item>They lose access at once and leave every team; their personal limits are removed.</List.Item>
            <List.Item>Usage and the audit trail keep their history, under an anonymous id if they belong to no other organization.</List.Item>
            <List.Item>To let them back in later, you will have to invite them again.</List.Item>
          </List>
          <Alert variant="light" color="brand" title="Deactivating is reversible" p="sm">
            <Text size="sm">
              A deactivated member cannot sign in, but keeps their contacts, campaigns and teams, and can be reactivated at any time.
            </Text>
            {onDeactivateInstead && (
              <Button mt="xs" size="xs" variant="light" onClick={() => (close(), onDeactivateInstead())}>
                Deactivate instead
              </Button>
            )}
          </Alert>
          {needsHeir && (
            <MemberSelect
              label="Give their contacts and campaigns to"
              description={`${member.name} owns ${plural(member.owns.contacts, 'contact')} and ${plural(member.owns.campaigns, 'campaign')}.`}
              required
              value={heir}
              onChange={(v) => (setHeir(v), setMissing(false), remove.reset())}
              excludeMembershipId={member.membershipId}
              error={fieldErrorsOf(remove.error).transferToMembershipId ?? (missing ? 'Choose who receives them before deleting.' : undefined)}
            />
          )}
          {!hasFieldErrors(remove.error, ['transferToMembershipId']) && <FormErrorAlert error={remove.error} />}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={remove.isPending} leftSection={<IconAlertTriangle size={16} />}>
              Delete member
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
