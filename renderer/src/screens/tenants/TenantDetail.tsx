// One tenant for the platform's staff: usage against limits (with overrides and credits), members
// (end a person's sessions), subscription and invoices, API keys (prefixes only), open invitations
// (resend), the staff's notes and the tenant's audit trail. What each role may do follows the
// permission table (useAccess().canPlatform).
import { Alert, Badge, Button, Card, CopyButton, Group, Stack, Table, Tabs, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { formatDate, formatDateTime } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { useTRPC, useTRPCClient } from '../../trpc';
import { formatMoney, INVOICE_STATUS } from '../billing/billingDisplay';
import { ReasonModal } from './ReasonModal';

export function TenantDetail({ organizationId, usage }: { organizationId: string; usage: React.ReactNode }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const { canPlatform } = useAccess();
  const detail = useQuery(trpc.platformAdmin.tenantDetail.queryOptions({ organizationId }));
  const trail = useQuery({ ...trpc.platformAdmin.tenantAuditTrail.queryOptions({ organizationId, limit: 100 }), enabled: canPlatform('platform:tenants:read') });
  const [endFor, setEndFor] = useState<{ userId: string; email: string } | null>(null);
  const [resendFor, setResendFor] = useState<{ id: string; email: string } | null>(null);
  const [shownLink, setShownLink] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.platformAdmin.pathKey() });
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => detail.refetch()} title="This tenant could not be loaded" />;
  if (!detail.data) return <Card p="lg">Loading…</Card>;
  const d = detail.data;
  const support = canPlatform('platform:support:tools');
  return (
    <Stack gap="md" data-testid="tenant-detail">
      <Group justify="space-between">
        <div>
          <Title order={2} fz="lg">{d.organization.name}</Title>
          <Text size="sm" c="dimmed">{d.organization.slug} · since {formatDate(d.organization.createdAt)}</Text>
        </div>
        {d.organization.suspendedAt && <Badge color="red">Suspended: {d.organization.suspendedReason}</Badge>}
      </Group>
      <Tabs defaultValue="usage" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="usage">Usage</Tabs.Tab>
          <Tabs.Tab value="members">Members ({d.members.length})</Tabs.Tab>
          <Tabs.Tab value="billing">Billing</Tabs.Tab>
          <Tabs.Tab value="keys">API keys</Tabs.Tab>
          <Tabs.Tab value="notes">Notes ({d.notes.length})</Tabs.Tab>
          <Tabs.Tab value="audit">Audit trail</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="usage" pt="md">{usage}</Tabs.Panel>
        <Tabs.Panel value="members" pt="md">
          <Card p={0}>
            <Table>
              <Table.Thead><Table.Tr><Table.Th>Person</Table.Th><Table.Th>Role</Table.Th><Table.Th>Last sign-in</Table.Th><Table.Th /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {d.members.map((m) => (
                  <Table.Tr key={m.membershipId}>
                    <Table.Td><Text size="sm" fw={600}>{m.name}</Text><Text size="xs" c="dimmed">{m.email}</Text></Table.Td>
                    <Table.Td>{m.role}{m.status !== 'active' && <Badge ml="xs" color="gray">{m.status}</Badge>}</Table.Td>
                    <Table.Td>{m.lastSignInAt ? formatDateTime(m.lastSignInAt) : 'Never'}</Table.Td>
                    <Table.Td>{support && <Button size="xs" variant="subtle" color="red" onClick={() => setEndFor({ userId: m.userId, email: m.email })}>End sessions</Button>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          {d.invitations.length > 0 && (
            <Card p={0} mt="md">
              <Title order={3} fz="sm" p="md">Open invitations</Title>
              <Table>
                <Table.Tbody>
                  {d.invitations.map((i) => (
                    <Table.Tr key={i.id}>
                      <Table.Td>{i.email}</Table.Td>
                      <Table.Td>{i.role}</Table.Td>
                      <Table.Td><Badge variant="light" color={i.status === 'expired' ? 'orange' : 'blue'}>{i.status}</Badge></Table.Td>
                      <Table.Td>{support && <Button size="xs" variant="subtle" onClick={() => setResendFor({ id: i.id, email: i.email })}>Resend</Button>}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          )}
          {shownLink && (
            <Alert mt="md" color="blue" title="New invitation link (shown once)">
              <Group><Text size="sm" style={{ wordBreak: 'break-all' }}>{shownLink}</Text><CopyButton value={shownLink}>{({ copy }) => <Button size="xs" onClick={copy}>Copy</Button>}</CopyButton></Group>
            </Alert>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="billing" pt="md">
          <Card p="md" mb="md">
            {d.subscription ? (
              <Text size="sm">
                <b>{d.subscription.planKey}</b> · {d.subscription.status}{d.subscription.billingInterval ? ` · billed per ${d.subscription.billingInterval}` : ''} · {d.subscription.seatQuantity} extra seats
                {d.subscription.trialEndsAt ? ` · trial ends ${formatDate(d.subscription.trialEndsAt)}` : ''}
                {d.subscription.cancelAtPeriodEnd ? ' · cancels at period end' : ''}
              </Text>
            ) : (
              <Text size="sm" c="dimmed">No subscription: the free plan applies.</Text>
            )}
          </Card>
          <Card p={0}>
            <Table>
              <Table.Thead><Table.Tr><Table.Th>Invoice</Table.Th><Table.Th>Date</Table.Th><Table.Th>Total</Table.Th><Table.Th>Paid</Table.Th><Table.Th>Status</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {d.invoices.length === 0 && <Table.Tr><Table.Td colSpan={5} c="dimmed">No invoices mirrored.</Table.Td></Table.Tr>}
                {d.invoices.map((i) => (
                  <Table.Tr key={i.id}>
                    <Table.Td>{i.number ?? i.id}</Table.Td>
                    <Table.Td>{formatDate(i.createdAt)}</Table.Td>
                    <Table.Td>{formatMoney(i.totalMinor, i.currency)}</Table.Td>
                    <Table.Td>{formatMoney(i.amountPaidMinor, i.currency)}</Table.Td>
                    <Table.Td><Badge variant="light" color={INVOICE_STATUS[i.status]?.color ?? 'gray'}>{INVOICE_STATUS[i.status]?.label ?? i.status}</Badge></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="keys" pt="md">
          <Card p={0}>
            <Table>
              <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Prefix</Table.Th><Table.Th>Scopes</Table.Th><Table.Th>Last used</Table.Th><Table.Th /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {d.apiKeys.length === 0 && <Table.Tr><Table.Td colSpan={5} c="dimmed">No API keys.</Table.Td></Table.Tr>}
                {d.apiKeys.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td>{k.name}</Table.Td>
                    <Table.Td><code>{k.prefix}…</code></Table.Td>
                    <Table.Td>{k.scopes.join(', ')}</Table.Td>
                    <Table.Td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}</Table.Td>
                    <Table.Td>{k.revokedAt ? <Badge color="gray">Revoked</Badge> : <Badge color="teal" variant="light">Active</Badge>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="notes" pt="md">
          <Notes organizationId={organizationId} notes={d.notes} canWrite={canPlatform('platform:notes:write')} />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <Card p={0}>
            {trail.isError ? (
              <ErrorState error={trail.error} onRetry={() => trail.refetch()} title="The audit trail could not be loaded" />
            ) : (
              <Table>
                <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Action</Table.Th><Table.Th>Who</Table.Th><Table.Th>Reason</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {(trail.data ?? []).map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>{formatDateTime(e.createdAt)}</Table.Td>
                      <Table.Td><code>{e.action}</code></Table.Td>
                      <Table.Td>{e.actor?.email ?? 'System'}</Table.Td>
                      <Table.Td>{e.reason ?? ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </Tabs.Panel>
      </Tabs>
      <ReasonModal
        title="End this person's sessions"
        description={`Signs ${endFor?.email ?? ''} out of every console and browser.`}
        confirm="End sessions"
        opened={!!endFor}
        onClose={() => setEndFor(null)}
        run={(reason) => client.platformAdmin.endUserSessions.mutate({ userId: endFor!.userId, reason })}
        onDone={(r) => {
          notifications.show({ color: 'teal', message: `${(r as { sessionsEnded: number }).sessionsEnded} session(s) ended.` });
          setEndFor(null);
        }}
      />
      <ReasonModal
        title="Resend the invitation"
        description={`Sends ${resendFor?.email ?? ''} a new link; the old one stops working.`}
        confirm="Resend"
        opened={!!resendFor}
        onClose={() => setResendFor(null)}
        run={(reason) => client.platformAdmin.resendInvitation.mutate({ organizationId, invitationId: resendFor!.id, reason, requestId: crypto.randomUUID() })}
        onDone={(r) => {
          const link = (r as { link: string | null }).link;
          setShownLink(link);
          notifications.show({ color: 'teal', message: 'Invitation resent.' });
          setResendFor(null);
          void refresh();
        }}
      />
    </Stack>
  );
}

function Notes({ organizationId, notes, canWrite }: { organizationId: string; notes: Array<{ id: string; body: string; createdAt: Date; author: { name: string; email: string } | null }>; canWrite: boolean }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: () => client.platformAdmin.addNote.mutate({ organizationId, body }),
    onSuccess: () => {
      setBody('');
      void queryClient.invalidateQueries({ queryKey: trpc.platformAdmin.tenantDetail.pathKey() });
    },
  });
  return (
    <Stack gap="sm">
      {canWrite && (
        <Card p="md">
          <Textarea label="Add a note" description="Only platform staff see notes." value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={2} />
          {add.isError && <FormErrorAlert error={add.error} />}
          <Group justify="flex-end" mt="xs"><Button size="xs" loading={add.isPending} onClick={() => add.mutate()}>Save note</Button></Group>
        </Card>
      )}
      {notes.length === 0 && <Text size="sm" c="dimmed">No notes yet.</Text>}
      {notes.map((n) => (
        <Card key={n.id} p="md" data-testid="admin-note">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{n.body}</Text>
          <Text size="xs" c="dimmed" mt={4}>{n.author?.name ?? 'Former staff'} · {formatDateTime(n.createdAt)}</Text>
        </Card>
      ))}
    </Stack>
  );
}
