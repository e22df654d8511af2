// Settings → Connections (super admins): provider secrets kept in the OS keychain by the main
// process. The console only ever sees whether each is set and its last four characters; a typed
// secret goes to the main process once and is cleared from the form. Also the platform's trial.
import { Alert, Badge, Button, Card, Group, NumberInput, PasswordInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';

type ConnectionName = 'database.url' | 'stripe.secret_key' | 'stripe.webhook_secret' | 'smtp.url';

const INPUT_LABELS: Record<ConnectionName, string> = {
  'database.url': 'PostgreSQL URL (postgresql://user:password@host:5432/meterdesk)',
  'stripe.secret_key': 'Stripe secret key (sk_… or rk_…)',
  'stripe.webhook_secret': 'Stripe webhook signing secret (whsec_…)',
  'smtp.url': 'SMTP URL (smtp://user:password@mail.example.com:587)',
};

export function ConnectionsCard() {
  const { canPlatform } = useAccess();
  if (!canPlatform('platform:settings:manage')) return null;
  return (
    <Card>
      <Title order={2} fz="md">
        Connections
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Provider secrets, kept in this computer’s keychain (never in the database); the console only sees whether each is set and its last four characters. In server mode DATABASE_URL, STRIPE_SECRET_KEY,
        STRIPE_WEBHOOK_SECRET, SMTP_URL and SNS_ACCESS_KEY_ID / SNS_SECRET_ACCESS_KEY take precedence.
      </Text>
      <Stack gap="lg">
        <ConnectionsTable />
        <OrganizationSmsConnections />
        <TrialSettingsForm />
      </Stack>
    </Card>
  );
}

function ConnectionsTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.connections.list.queryOptions());
  const [editing, setEditing] = useState<ConnectionName | null>(null);
  const [secret, setSecret] = useState('');
  const refresh = () => queryClient.invalidateQueries();
  const save = useMutation(
    trpc.connections.save.mutationOptions({
      onSuccess: () => {
        setSecret('');
        setEditing(null);
        return refresh();
      },
    }),
  );
  const remove = useMutation(trpc.connections.delete.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(trpc.connections.test.mutationOptions());
  if (!list.data) return <FormErrorAlert error={list.error} />;
  return (
    <div>
      {!list.data.keychainAvailable && (
        <Alert color="yellow" variant="light" mb="sm" title="No keychain available" data-testid="no-keychain">
          {list.data.keychainHelp}
        </Alert>
      )}
      <FormErrorAlert error={save.error ?? remove.error ?? test.error} />
      {test.data && (
        <Alert color={test.data.ok ? 'teal' : 'red'} variant="light" mb="sm" data-testid="connection-test-result">
          {test.data.message}
        </Alert>
      )}
      {save.data?.restartRequired && (
        <Alert color="blue" variant="light" mb="sm">
          Saved. Meterdesk uses the new database from its next start.
        </Alert>
      )}
      <Table>
        <Table.Tbody>
          {list.data.connections.map((c) => (
            <Table.Tr key={c.name} data-testid={`connection-${c.name}`}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {c.label}
                </Text>
              </Table.Td>
              <Table.Td>
                {c.set ? <Badge color="teal">Set {c.lastFour}</Badge> : <Badge color="gray">Not set</Badge>}
                {c.source === 'environment' && (
                  <Text size="xs" c="dimmed">
                    from the environment
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end">
                  {c.testable && (
                    <Button size="xs" variant="default" loading={test.isPending && test.variables?.name === c.name} onClick={() => test.mutate({ name: c.name })}>
                      Test connection
                    </Button>
                  )}
                  <Button size="xs" variant="default" disabled={c.source === 'environment' || !list.data.keychainAvailable} onClick={() => setEditing(c.name as ConnectionName)}>
                    {c.set ? 'Rotate' : 'Set'}
                  </Button>
                  {c.set && c.source === 'keychain' && (
                    <Button size="xs" color="red" variant="subtle" loading={remove.isPending} onClick={() => remove.mutate({ name: c.name })}>
                      Remove
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ name: editing, secret });
          }}
          noValidate
        >
          <Group align="flex-end" mt="sm" maw={560}>
            <PasswordInput
              style={{ flex: 1 }}
              label={INPUT_LABELS[editing]}
              autoComplete="off"
              value={secret}
              onChange={(e) => setSecret(e.currentTarget.value)}
            />
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
            <Button
              variant="subtle"
              onClick={() => {
                setSecret('');
                setEditing(null);
              }}
            >
              Cancel
            </Button>
          </Group>
        </form>
      )}
    </div>
  );
}

/** Each organization's AWS key pair for SMS: status, Test connection (GetSMSAttributes), delete. */
function OrganizationSmsConnections() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rows = useQuery(trpc.connections.organizationSms.queryOptions());
  const test = useMutation(trpc.connections.testOrganizationSms.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  const remove = useMutation(trpc.connections.deleteOrganizationSms.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  if (!rows.data) return <FormErrorAlert error={rows.error} />;
  return (
    <div>
      <Text fw={600} size="sm">
        SMS (AWS SNS) per organization
      </Text>
      <Text size="sm" c="dimmed" mb="xs">
        Each organization saves and rotates its own key pair in Settings → Channels → SMS.
      </Text>
      <FormErrorAlert error={test.error ?? remove.error} />
      {test.data && (
        <Alert color={test.data.ok ? 'teal' : 'red'} variant="light" mb="sm" data-testid="sms-connection-test-result">
          {test.data.message}
        </Alert>
      )}
      {rows.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No organization has set up SMS yet.
        </Text>
      ) : (
        <Table>
          <Table.Tbody>
            {rows.data.map((r) => (
              <Table.Tr key={r.organizationId} data-testid={`sms-connection-${r.organizationId}`}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {r.organizationName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {r.region}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {r.accessKeyId.set ? <Badge color="teal">Key {r.accessKeyId.lastFour}</Badge> : <Badge color="gray">Not set</Badge>}
                  {r.source === 'environment' && (
                    <Text size="xs" c="dimmed">
                      from the environment
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    {r.accessKeyId.set && r.secretAccessKey.set && (
                      <Button size="xs" variant="default" loading={test.isPending && test.variables?.organizationId === r.organizationId} onClick={() => test.mutate({ organizationId: r.organizationId })}>
                        Test connection
                      </Button>
                    )}
                    {r.accessKeyId.set && r.source === 'keychain' && (
                      <Button size="xs" color="red" variant="subtle" loading={remove.isPending} onClick={() => remove.mutate({ organizationId: r.organizationId })}>
                        Remove
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </div>
  );
}

const END_BEHAVIORS = [
  { value: 'cancel', label: 'Cancel the subscription' },
  { value: 'create_invoice', label: 'Create an invoice (past due if unpaid)' },
  { value: 'pause', label: 'Pause the subscription' },
];

function TrialSettingsForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.platform.trialSettings.queryOptions());
  const [draft, setDraft] = useState<{ trialDays: number; trialEndWithoutPaymentMethod: 'cancel' | 'create_invoice' | 'pause' } | null>(null);
  const set = useMutation(
    trpc.platform.setTrialSettings.mutationOptions({
      onSuccess: () => {
        setDraft(null);
        return queryClient.invalidateQueries();
      },
    }),
  );
  const value = draft ?? current.data;
  if (!value) return <FormErrorAlert error={current.error} />;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        set.mutate(value);
      }}
      noValidate
    >
      <Text fw={600} size="sm">
        Trial at checkout
      </Text>
      <Text size="sm" c="dimmed" mb="xs">
        Offered once per organization. 0 days: no trial.
      </Text>
      <FormErrorAlert error={set.error} />
      <Group align="flex-end" maw={560}>
        <NumberInput label="Trial days" min={0} max={730} allowDecimal={false} value={value.trialDays} onChange={(v) => setDraft({ ...value, trialDays: typeof v === 'number' ? v : 0 })} w={120} />
        <Select
          label="When it ends without a payment method"
          data={END_BEHAVIORS}
          value={value.trialEndWithoutPaymentMethod}
          allowDeselect={false}
          onChange={(v) => v && setDraft({ ...value, trialEndWithoutPaymentMethod: v as typeof value.trialEndWithoutPaymentMethod })}
          style={{ flex: 1 }}
        />
        <Button type="submit" variant="default" disabled={!draft} loading={set.isPending}>
          Save
        </Button>
      </Group>
    </form>
  );
}
