// Invitations of the organization: search by email, filter by status, resend a fresh link (the old
// one stops working) or revoke it — one at a time or for the selected rows at once, with what was
// done and what was skipped (and why) reported per invitation.
import { Alert, Badge, Button, Card, Checkbox, CopyButton, EmptyState, Group, List, Loader, Modal, SegmentedControl, Skeleton, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconMailForward, IconMailOff, IconSearch, IconSend, IconX } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { RoleBadge } from '../../components/RoleBadge';
import { errorMessage } from '../../lib/errors';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import type { RouterOutputs } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';

type Invitation = RouterOutputs['invitations']['list'][number];
type StatusFilter = 'open' | 'all' | Invitation['status'];
type BulkResult = RouterOutputs['invitations']['resendMany'] | RouterOutputs['invitations']['revokeMany'];

const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Pending' },
  { value: 'expired', label: 'Expired' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'revoked', label: 'Revoked' },
  { value: 'all', label: 'All' },
];

const isOpen = (inv: Invitation) => inv.status === 'pending' || inv.status === 'expired';

export function InvitationsPanel({ onInvite }: { onInvite: () => void }) {
  const trpc = useTRPC();
  const [searchText, setSearchText] = useState('');
  const [search] = useDebouncedValue(searchText.trim(), 250);
  const [status, setStatus] = useState<StatusFilter>('open');
  const input = { ...(search ? { search } : {}), status };
  const invitations = useQuery({ ...trpc.invitations.list.queryOptions(input), placeholderData: keepPreviousData });
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkRevokeOpen, setBulkRevokeOpen] = useState(false);
  const [result, setResult] = useState<{ action: 'resent' | 'revoked'; outcome: BulkResult } | null>(null);
  const filtered = !!search || status !== 'open';

  // Only rows shown and still open can be selected; a selection follows the list as it changes.
  const selectable = useMemo(() => (invitations.data ?? []).filter(isOpen), [invitations.data]);
  const selectedIds = selectable.filter((inv) => selected.has(inv.id)).map((inv) => inv.id);
  const allSelected = selectable.length > 0 && selectedIds.length === selectable.length;
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

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
  if (invitations.data.length === 0 && !filtered) {
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
    <Stack gap="sm">
      <Group gap="sm" wrap="wrap" role="search" aria-label="Find invitations">
        <TextInput
          size="sm"
          aria-label="Search invitations by email"
          placeholder="Search by email"
          leftSection={<IconSearch size={16} />}
          rightSection={invitations.isFetching && search ? <Loader size={14} /> : undefined}
          value={searchText}
          onChange={(e) => setSearchText(e.currentTarget.value)}
          style={{ flex: '1 1 220px', maxWidth: 320 }}
          type="search"
        />
        <SegmentedControl size="sm" aria-label="Invitation status" value={status} onChange={(v) => setStatus(v as StatusFilter)} data={STATUS_FILTERS} />
        {filtered && (
          <Button size="sm" variant="subtle" color="gray" leftSection={<IconX size={14} />} onClick={() => (setSearchText(''), setStatus('open'))}>
            Clear filters
          </Button>
        )}
      </Group>

      {selectedIds.length > 0 && (
        <BulkBar
          ids={selectedIds}
          onClear={() => setSelected(new Set())}
          onRevoke={() => setBulkRevokeOpen(true)}
          onResent={(outcome) => {
            setSelected(new Set());
            setResult({ action: 'resent', outcome });
          }}
        />
      )}

      <Card p={0}>
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Invitations" className="md-table-sticky-actions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label={allSelected ? 'Select no invitation' : 'Select every open invitation shown'}
                    checked={allSelected}
                    indeterminate={selectedIds.length > 0 && !allSelected}
                    disabled={selectable.length === 0}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(selectable.map((inv) => inv.id)))}
                  />
                </Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Team</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Last sent</Table.Th>
                <Table.Th>
                  <span className="md-visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.data.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <Text size="sm" c="dimmed" ta="center" py="md">
                      No invitation matches {search ? <>“{search}”</> : 'this filter'}
                      {status !== 'all' ? ` among ${STATUS_FILTERS.find((s) => s.value === status)!.label.toLowerCase()} invitations` : ''}.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : (
                invitations.data.map((inv) => <InvitationRow key={inv.id} invitation={inv} selected={selected.has(inv.id)} onToggle={() => toggle(inv.id)} onRevoke={() => setRevoking(inv)} />)
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {invitations.data.length >= 1000 && (
          <Text size="xs" c="dimmed" p="sm">
            Showing the newest 1,000: search or filter to find older ones.
          </Text>
        )}
      </Card>
      <RevokeModal invitation={revoking} onClose={() => setRevoking(null)} />
      <BulkRevokeModal
        ids={bulkRevokeOpen ? selectedIds : []}
        onClose={() => setBulkRevokeOpen(false)}
        onDone={(outcome) => {
          setBulkRevokeOpen(false);
          setSelected(new Set());
          setResult({ action: 'revoked', outcome });
        }}
      />
      <BulkResultModal result={result} onClose={() => setResult(null)} />
    </Stack>
  );
}

function BulkBar({ ids, onClear, onRevoke, onResent }: { ids: string[]; onClear: () => void; onRevoke: () => void; onResent: (outcome: BulkResult) => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const resend = useMutation(
    trpc.invitations.resendMany.mutationOptions({
      onSuccess: async (outcome) => {
        onResent(outcome);
        await refresh.invitations();
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Nothing was resent', message: errorMessage(error) }),
    }),
  );
  const count = `${ids.length} invitation${ids.length === 1 ? '' : 's'}`;
  return (
    <Card p="xs" px="md" withBorder role="region" aria-label="Selected invitations">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm" fw={500}>
          {count} selected
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="subtle" color="gray" onClick={onClear}>
            Clear selection
          </Button>
          <Button size="xs" variant="default" leftSection={<IconMailForward size={14} />} loading={resend.isPending} onClick={() => resend.mutate({ invitationIds: ids })}>
            Resend {count}
          </Button>
          <Button size="xs" color="red" variant="light" leftSection={<IconMailOff size={14} />} onClick={onRevoke} disabled={resend.isPending}>
            Revoke {count}
          </Button>
        </Group>
      </Group>
    </Card>
  );
}

const STATUS_BADGES: Record<Invitation['status'], { color: string; label: string }> = {
  pending: { color: 'blue', label: 'Pending' },
  expired: { color: 'orange', label: 'Expired' },
  accepted: { color: 'teal', label: 'Accepted' },
  revoked: { color: 'gray', label: 'Revoked' },
};

function StatusCell({ invitation: inv }: { invitation: Invitation }) {
  const badge = <Badge color={STATUS_BADGES[inv.status].color} variant="light">{STATUS_BADGES[inv.status].label}</Badge>;
  const detail =
    inv.status === 'pending'
      ? `expires ${formatRelative(inv.expiresAt)}`
      : inv.status === 'accepted' && inv.acceptedAt
        ? formatRelative(inv.acceptedAt)
        : inv.status === 'revoked' && inv.revokedAt
          ? formatRelative(inv.revokedAt)
          : null;
  return (
    <Group gap={6} wrap="nowrap">
      {inv.status === 'expired' ? <Tooltip label={`Expired ${formatDateTime(inv.expiresAt)}: resend it to give them a new link.`}>{badge}</Tooltip> : badge}
      {detail && (
        <Text size="xs" c="dimmed" title={formatDateTime(inv.status === 'pending' ? inv.expiresAt : (inv.acceptedAt ?? inv.revokedAt ?? inv.expiresAt))}>
          {detail}
        </Text>
      )}
    </Group>
  );
}

function InvitationRow({ invitation: inv, selected, onToggle, onRevoke }: { invitation: Invitation; selected: boolean; onToggle: () => void; onRevoke: () => void }) {
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
  const open = isOpen(inv);
  return (
    <Table.Tr bg={selected ? 'var(--mantine-primary-color-light)' : undefined}>
      <Table.Td>{open && <Checkbox aria-label={`Select the invitation to ${inv.email}`} checked={selected} onChange={onToggle} />}</Table.Td>
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
        <StatusCell invitation={inv} />
      </Table.Td>
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
        {open && (
          <Group gap={6} justify="flex-end" wrap="nowrap">
            <Button size="xs" variant={inv.expired ? 'light' : 'default'} leftSection={<IconMailForward size={14} />} loading={resend.isPending} onClick={() => resend.mutate({ invitationId: inv.id })} aria-label={`Resend the invitation to ${inv.email}`}>
              Resend
            </Button>
            <Button size="xs" variant="subtle" color="red" leftSection={<IconMailOff size={14} />} onClick={onRevoke} aria-label={`Revoke the invitation to ${inv.email}`}>
              Revoke
            </Button>
          </Group>
        )}
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

function BulkRevokeModal({ ids, onClose, onDone }: { ids: string[]; onClose: () => void; onDone: (outcome: BulkResult) => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const revoke = useMutation(
    trpc.invitations.revokeMany.mutationOptions({
      onSuccess: async (outcome) => {
        revoke.reset();
        onDone(outcome);
        await refresh.invitations();
      },
    }),
  );
  const close = () => {
    revoke.reset();
    onClose();
  };
  const count = `${ids.length} invitation${ids.length === 1 ? '' : 's'}`;
  return (
    <ConfirmModal
      opened={ids.length > 0}
      onClose={close}
      onConfirm={() => revoke.mutate({ invitationIds: ids })}
      title={`Revoke ${count}?`}
      confirmLabel={`Revoke ${count}`}
      pending={revoke.isPending}
      error={revoke.error}
    >
      <Text size="sm">The links sent for the selected invitations will stop working. You can invite those people again later.</Text>
    </ConfirmModal>
  );
}

/** What a bulk action did, per invitation: nothing is left unsaid when only part of it applied. */
function BulkResultModal({ result, onClose }: { result: { action: 'resent' | 'revoked'; outcome: BulkResult } | null; onClose: () => void }) {
  const outcome = result?.outcome;
  const links = outcome && 'links' in outcome ? outcome.links : [];
  const done = outcome?.done.length ?? 0;
  const skipped = outcome?.skipped ?? [];
  const title = !outcome ? '' : skipped.length === 0 ? `${done} invitation${done === 1 ? '' : 's'} ${result.action}` : `${done} of ${done + skipped.length} invitations ${result.action}`;
  return (
    <Modal opened={!!outcome} onClose={onClose} title={title} size="lg">
      {outcome && (
        <Stack gap="sm">
          <Text size="sm">
            {result.action === 'resent'
              ? done > 0 && 'Each gets a new link, valid for 7 days; their previous links no longer work.'
              : done > 0 && 'Their links no longer work.'}
            {done === 0 && 'Nothing was changed.'}
          </Text>
          {skipped.length > 0 && (
            <Alert color="orange" variant="light" title={`${skipped.length} not ${result.action}`}>
              <List size="sm" spacing={2}>
                {skipped.map((s) => (
                  <List.Item key={s.id}>
                    <b>{s.email}</b>: {s.reason}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {links.length > 0 && (
            <Alert color="yellow" variant="light" title="Copy these links now: they are not stored">
              <Text size="sm" mb="xs">
                No email server is set up and this computer has no keychain to keep the links: pass each one to its person yourself.
              </Text>
              <Stack gap={4}>
                {links.map((l) => (
                  <Group key={l.email} gap="xs" wrap="nowrap">
                    <Text size="sm" style={{ wordBreak: 'break-all', flex: 1 }}>
                      <b>{l.email}</b>: {l.link}
                    </Text>
                    <CopyButton value={l.link}>{({ copied, copy }) => <Button size="xs" variant="default" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
                  </Group>
                ))}
              </Stack>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
