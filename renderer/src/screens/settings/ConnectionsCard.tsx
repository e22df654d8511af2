// Settings → Connections (super admins): provider secrets kept in the OS keychain by the main
// process. The console only ever sees whether each is set and its last four characters; a typed
// secret goes to the main process once and is cleared from the form. Also the platform's trial.
import { Alert, Badge, Button, Card, Group, NumberInput, PasswordInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';

type ConnectionName = 'stripe.secret_key' | 'stripe.webhook_secret';

export function ConnectionsCard() {
  const { canPlatform } = useAccess();
  if (!canPlatform('platform:settings:manage')) return null;
  return (
    <Card>
      <Title order={2} fz="md">
        Connections
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Provider secrets, kept in this computer’s keychain (never in the database). In server mode STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET take precedence.
      </Text>
      <Stack gap="lg">
        <ConnectionsTable />
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
        <Alert color="yellow" variant="light" mb="sm" title="No keychain">
          No OS keychain is available, so secrets cannot be saved. On Linux install gnome-keyring and libsecret, then unlock the keyring.
        </Alert>
      )}
      <FormErrorAlert error={save.error ?? remove.error ?? test.error} />
      {test.data && (
        <Alert color={test.data.ok ? 'teal' : 'red'} variant="light" mb="sm" data-testid="connection-test-result">
          {test.data.message}
        </Alert>
      )}
      <Table>
        <Table.Tbody>
          {list.data.connections.map((c) => (
            <Table.Tr key={c.name}>
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
                  {c.name === 'stripe.secret_key' && c.set && (
                    <Button size="xs" variant="default" loading={test.isPending} onClick={() => test.mutate({ name: c.name })}>
                      Test
                    </Button>
                  )}
                  <Button size="xs" variant="default" disabled={c.source === 'environment'} onClick={() => setEditing(c.name as ConnectionName)}>
                    {c.set ? 'Replace' : 'Set'}
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
              label={editing === 'stripe.secret_key' ? 'Stripe secret key (sk_… or rk_…)' : 'Stripe webhook signing secret (whsec_…)'}
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
