// Invitations not yet accepted: resend a fresh link (the old one stops working) or revoke it.
import { Badge, Button, Card, EmptyState, Group, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailForward, IconMailOff, IconSend } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { RoleBadge } from '../../components/RoleBadge';
import { errorMessage } from '../../lib/errors';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import type { RouterOutputs } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';

type Invitation = RouterOutputs['invitations']['list'][number];

export function InvitationsPanel({ onInvite }: { onInvite: () => void }) {
  const trpc = useTRPC();
  const invitations = useQuery(trpc.invitations.list.queryOptions());
  const [revoking, setRevoking] = useState<Invitation | null>(null);

  if (invitations.isError) return <ErrorState error={invitations.error} onRetry={() => invitations.refetch()} title="Invitations could not be loaded" />;
  if (!invitations.data) {
    return (
      <Stack gap="xs" aria-busy="true" aria-label="Loading invitations">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} h={48} />
        ))}
      </Stack>
    );
  }
  if (invitations.data.length === 0) {
    return (
      <EmptyState
        py={56}
        variant="light"
        icon={<IconSend size={26} />}
        title="No pending invitations"
        description="People you invite appear here until they accept."
        style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
      >
        <EmptyState.Actions>
          <Button onClick={onInvite}>Invite someone</Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }

  return (
    <Card p={0}>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Pending invitations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Team</Table.Th>
              <Table.Th>Last sent</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>
                <span className="md-visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.data.map((inv) => (
              <InvitationRow key={inv.id} invitation={inv} onRevoke={() => setRevoking(inv)} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <RevokeModal invitation={revoking} onClose={() => setRevoking(null)} />
    </Card>
  );
}

function InvitationRow({ invitation: inv, onRevoke }: { invitation: Invitation; onRevoke: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const resend = useMutation(
    trpc.invitations.resend.mutationOptions({
      onSuccess: async ({ expiresAt, link }) => {
        notifications.show({
          color: 'teal',
          title: 'Invitation sent again',
          // No SMTP and no keychain to keep it encrypted: this is the only time the link is shown.
          message: link
            ? `Copy this link now and pass it to ${inv.email}; it is not stored: ${link}`
            : `${inv.email} has a new link, valid until ${formatDate(expiresAt)}. The previous link no longer works.`,
          autoClose: link ? false : undefined,
        });
        await refresh.invitations();
      },
      onError: (error) => notifications.show({ color: 'red', title: 'The invitation was not resent', message: errorMessage(error) }),
    }),
  );
  const sentAt = inv.lastSentAt ?? inv.createdAt;
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500} style={{ wordBreak: 'break-all' }}>
          {inv.email}
        </Text>
      </Table.Td>
      <Table.Td>
        <RoleBadge role={inv.role} />
      </Table.Td>
      <Table.Td>{inv.team ? <Text size="sm">{inv.team}</Text> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(sentAt)}>
          {formatRelative(sentAt)}
        </Text>
        {inv.sendCount > 1 && (
          <Text size="xs" c="dimmed">
            sent {inv.sendCount} times
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {inv.expired ? (
          <Tooltip label={`Expired ${formatDateTime(inv.expiresAt)}: resend it to give them a new link.`}>
            <Badge color="orange" variant="light">
              Expired
            </Badge>
          </Tooltip>
        ) : (
          <Text size="sm" title={formatDateTime(inv.expiresAt)}>
            {formatRelative(inv.expiresAt)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={6} justify="flex-end" wrap="nowrap">
          <Button size="xs" variant={inv.expired ? 'light' : 'default'} leftSection={<IconMailForward size={14} />} loading={resend.isPending} onClick={() => resend.mutate({ invitationId: inv.id })} aria-label={`Resend the invitation to ${inv.email}`}>
            Resend
          </Button>
          <Button size="xs" variant="subtle" color="red" leftSection={<IconMailOff size={14} />} onClick={onRevoke} aria-label={`Revoke the invitation to ${inv.email}`}>
            Revoke
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function RevokeModal({ invitation, onClose }: { invitation: Invitation | null; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const revoke = useMutation(
    trpc.invitations.revoke.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', message: `The invitation to ${invitation?.email} was revoked; its link no longer works.` });
        close();
        await refresh.invitations();
      },
    }),
  );
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={!!invitation}
      onClose={close}
      onConfirm={() => invitation && revoke.mutate({ invitationId: invitation.id })}
      title="Revoke this invitation?"
      confirmLabel="Revoke invitation"
      pending={revoke.isPending}
      error={revoke.error}
    >
      <Text size="sm">
        The link sent to <b>{invitation?.email}</b> will stop working. You can invite them again later.
      </Text>
    </ConfirmModal>
  );
}
