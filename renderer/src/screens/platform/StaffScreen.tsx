// #/staff (super admins): the platform's staff — invite with a role, change it, revoke it; each with
// a reason, audited in the platform's trail. The last super admin cannot be removed (the server says so).
import { Alert, Badge, Button, Card, CopyButton, Group, Modal, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { PLATFORM_ROLE_LABELS, PLATFORM_ROLES, type PlatformRoleName } from '../../../../server/permissions/permissions';
import { useTRPC, useTRPCClient } from '../../trpc';
import { ReasonModal } from '../tenants/ReasonModal';

const ROLE_OPTIONS = PLATFORM_ROLES.map((r) => ({ value: r, label: PLATFORM_ROLE_LABELS[r] }));

export function StaffScreen() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const staff = useQuery(trpc.platformAdmin.staff.queryOptions());
  const [inviting, setInviting] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [change, setChange] = useState<{ userId: string; email: string; role: PlatformRoleName | null } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.platformAdmin.staff.queryKey() });
  return (
    <Stack gap="lg">
      <PageHeader
        title="Staff"
        description="The platform's staff and what each may do: super admins everything, support tenants and support tools, finance revenue and invoices."
        actions={<Button onClick={() => setInviting(true)}>Invite staff</Button>}
      />
      {link && (
        <Alert color="blue" title="Send this link to the new staff member (shown once, valid 7 days)" withCloseButton onClose={() => setLink(null)}>
          <Group>
            <Text size="sm" style={{ wordBreak: 'break-all' }} data-testid="staff-invite-link">{link}</Text>
            <CopyButton value={link}>{({ copy, copied }) => <Button size="xs" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
          </Group>
        </Alert>
      )}
      <Card p={0}>
        {staff.isError ? (
          <ErrorState error={staff.error} onRetry={() => staff.refetch()} title="Staff could not be loaded" />
        ) : (
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Person</Table.Th><Table.Th>Role</Table.Th><Table.Th>Last sign-in</Table.Th><Table.Th /></Table.Tr></Table.Thead>
            <Table.Tbody>
              {(staff.data ?? []).map((s) => (
                <Table.Tr key={s.id} data-testid={`staff-${s.email}`}>
                  <Table.Td><Text size="sm" fw={600}>{s.name}</Text><Text size="xs" c="dimmed">{s.email}</Text></Table.Td>
                  <Table.Td><Badge variant="light">{PLATFORM_ROLE_LABELS[s.platformRole]}</Badge>{s.invitationPending && <Badge ml="xs" color="orange" variant="light">Invited</Badge>}</Table.Td>
                  <Table.Td>{s.lastSignInAt ? formatDateTime(s.lastSignInAt) : 'Never'}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end">
                      <Select size="xs" aria-label={`Role of ${s.email}`} data={ROLE_OPTIONS} value={s.platformRole} allowDeselect={false} w={150}
                        onChange={(v) => v && v !== s.platformRole && setChange({ userId: s.id, email: s.email, role: v as PlatformRoleName })} />
                      <Button size="xs" variant="subtle" color="red" onClick={() => setChange({ userId: s.id, email: s.email, role: null })}>Revoke</Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <InviteStaffModal opened={inviting} onClose={() => setInviting(false)} onInvited={(l) => { setInviting(false); setLink(l); void refresh(); }} />
      <ReasonModal
        title={change?.role ? `Make ${change.email} ${PLATFORM_ROLE_LABELS[change.role]}` : `Revoke ${change?.email ?? ''}'s platform role`}
        description={change?.role ? 'Their access changes at their next request.' : 'They keep their account and memberships, without platform access.'}
        confirm={change?.role ? 'Change role' : 'Revoke'}
        opened={!!change}
        onClose={() => setChange(null)}
        run={(reason) => (change!.role ? client.platformAdmin.changeStaffRole.mutate({ userId: change!.userId, role: change!.role, reason }) : client.platformAdmin.revokeStaff.mutate({ userId: change!.userId, reason }))}
        onDone={() => { notifications.show({ color: 'teal', message: 'Saved.' }); setChange(null); void refresh(); }}
      />
    </Stack>
  );
}

function InviteStaffModal({ opened, onClose, onInvited }: { opened: boolean; onClose: () => void; onInvited: (link: string | null) => void }) {
  const client = useTRPCClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<PlatformRoleName>('support');
  const [reason, setReason] = useState('');
  const invite = useMutation({
    mutationFn: () => client.platformAdmin.inviteStaff.mutate({ email, name, role, reason }),
    onSuccess: (r) => {
      notifications.show({ color: 'teal', message: r.newAccount ? 'Invited: send them the link.' : 'Their account now has the role.' });
      setEmail(''); setName(''); setReason('');
      onInvited(r.link);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Invite staff</Text>}>
      <Stack gap="sm">
        <TextInput label="Email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select label="Platform role" data={ROLE_OPTIONS} value={role} onChange={(v) => v && setRole(v as PlatformRoleName)} allowDeselect={false} />
        <Textarea label="Reason" description="Kept in the platform's audit trail." value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {invite.isError && <FormErrorAlert error={invite.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button loading={invite.isPending} onClick={() => invite.mutate()}>Invite</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
