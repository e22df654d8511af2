// Settings → Channels → SMS (admins and owners): the organization's AWS SNS connection. The key
// pair goes to the main process once and lives in the OS keychain; this screen only ever sees
// whether each half is set and its last four characters. Also the sender, the SNS topic for
// replies and delivery events, HELP text, footer, quiet hours, the opt-out list sync, and the
// review of replies that may revoke consent.
import { Alert, Badge, Button, Card, Group, NumberInput, PasswordInput, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useTRPC } from '../../trpc';

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'];
const HOURS = Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, '0')}:00` }));

export function SmsChannelCard() {
  const trpc = useTRPC();
  const channel = useQuery(trpc.sms.channel.queryOptions());
  const d = channel.data;
  return (
    <Card data-testid="sms-channel-card">
      <Title order={2} fz="md">
        Channels → SMS (AWS SNS)
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Texts go out through your own AWS account. The access key is kept in this computer’s keychain, never in the database.
      </Text>
      {!d ? (
        <FormErrorAlert error={channel.error} />
      ) : (
        <Stack gap="lg">
          <CredentialsSection data={d} />
          {d.connected && d.channel && <ChannelSettingsForm key={JSON.stringify(d.channel)} channel={d.channel} />}
          {d.connected && d.channel && <OptOutSync syncedAt={d.channel.optOutsSyncedAt} />}
        </Stack>
      )}
    </Card>
  );
}

type ChannelData = NonNullable<ReturnType<typeof useChannelData>>;
function useChannelData() {
  const trpc = useTRPC();
  return useQuery(trpc.sms.channel.queryOptions()).data;
}

function CredentialsSection({ data }: { data: ChannelData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries();
  const [editing, setEditing] = useState(!data.credentials.accessKeyId.set);
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [region, setRegion] = useState(data.channel?.region ?? 'us-east-1');
  const [confirmRemove, setConfirmRemove] = useState(false);
  const save = useMutation(
    trpc.sms.saveCredentials.mutationOptions({
      onSuccess: () => {
        setAccessKeyId('');
        setSecretAccessKey('');
        setEditing(false);
        return refresh();
      },
    }),
  );
  const remove = useMutation(trpc.sms.deleteCredentials.mutationOptions({ onSuccess: () => (setConfirmRemove(false), setEditing(true), refresh()) }));
  const test = useMutation(trpc.sms.testConnection.mutationOptions({ onSuccess: refresh }));
  const fromEnvironment = data.credentials.accessKeyId.source === 'environment';
  const c = data.channel;
  return (
    <div>
      {!data.keychainAvailable && !fromEnvironment && (
        <Alert color="yellow" variant="light" mb="sm" title="No keychain">
          No OS keychain is available, so the AWS key cannot be saved. On Linux install gnome-keyring and libsecret, then unlock the keyring.
        </Alert>
      )}
      <FormErrorAlert error={save.error ?? remove.error ?? test.error} />
      {test.data && (
        <Alert color={test.data.ok ? 'teal' : 'red'} variant="light" mb="sm" data-testid="sms-test-result">
          {test.data.message}
        </Alert>
      )}
      <Table variant="vertical" layout="fixed" withTableBorder={false}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={200}>Access key</Table.Th>
            <Table.Td>
              {data.credentials.accessKeyId.set ? <Badge color="teal">Set {data.credentials.accessKeyId.lastFour}</Badge> : <Badge color="gray">Not set</Badge>}{' '}
              {data.credentials.secretAccessKey.set ? <Badge color="teal" variant="light">Secret set</Badge> : <Badge color="gray" variant="light">No secret</Badge>}
              {fromEnvironment && (
                <Text size="xs" c="dimmed">
                  from SNS_ACCESS_KEY_ID / SNS_SECRET_ACCESS_KEY
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Region</Table.Th>
            <Table.Td>{data.regionFromEnvironment ?? c?.region ?? '—'}</Table.Td>
          </Table.Tr>
          {c && (
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Td data-testid="sms-account-status">
                {c.lastTestedAt ? (
                  c.lastTestError ? (
                    <Text size="sm" c="red">
                      Last test failed: {c.lastTestError}
                    </Text>
                  ) : (
                    <Group gap="xs">
                      {c.inSandbox ? <Badge color="orange">SMS sandbox: verified numbers only</Badge> : <Badge color="teal">Production (out of the sandbox)</Badge>}
                      <Badge variant="light" color="gray">
                        Monthly spend limit: {c.monthlySpendLimitUsd === null ? 'not set' : `${c.monthlySpendLimitUsd} USD`}
                      </Badge>
                    </Group>
                  )
                ) : (
                  <Text size="sm" c="dimmed">
                    Not tested yet.
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      <Group gap="xs" mt="sm">
        {data.connected && (
          <Button size="xs" variant="default" loading={test.isPending} onClick={() => test.mutate()}>
            Test connection
          </Button>
        )}
        {!fromEnvironment && !editing && (
          <Button size="xs" variant="default" onClick={() => setEditing(true)}>
            Replace keys (rotate)
          </Button>
        )}
        {!fromEnvironment && data.credentials.accessKeyId.set && !confirmRemove && (
          <Button size="xs" color="red" variant="subtle" onClick={() => setConfirmRemove(true)}>
            Remove keys
          </Button>
        )}
        {confirmRemove && (
          <>
            <Text size="sm">Sending, opt-out sync and HELP replies stop until new keys are saved.</Text>
            <Button size="xs" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Remove
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setConfirmRemove(false)}>
              Keep
            </Button>
          </>
        )}
      </Group>
      {editing && !fromEnvironment && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ accessKeyId, secretAccessKey, region });
          }}
          noValidate
        >
          <Group align="flex-end" mt="sm" wrap="wrap">
            <TextInput label="AWS access key ID" placeholder="AKIA…" autoComplete="off" value={accessKeyId} onChange={(e) => setAccessKeyId(e.currentTarget.value)} w={240} />
            <PasswordInput label="Secret access key" autoComplete="off" value={secretAccessKey} onChange={(e) => setSecretAccessKey(e.currentTarget.value)} w={300} />
            <Select label="Region" data={REGIONS} searchable value={region} onChange={(v) => v && setRegion(v)} allowDeselect={false} w={160} />
            <Button type="submit" loading={save.isPending}>
              Save keys
            </Button>
            {data.credentials.accessKeyId.set && (
              <Button variant="subtle" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            )}
          </Group>
        </form>
      )}
    </div>
  );
}

type Channel = NonNullable<ChannelData['channel']>;

function ChannelSettingsForm({ channel }: { channel: Channel }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const senders = useQuery(trpc.sms.senders.queryOptions());
  const [draft, setDraft] = useState({
    region: channel.region,
    defaultSmsType: channel.defaultSmsType,
    senderId: channel.senderId ?? '',
    originationNumber: channel.originationNumber,
    partsPerSecond: channel.partsPerSecond,
    topicArn: channel.topicArn ?? '',
    helpText: channel.helpText ?? '',
    complianceFooter: channel.complianceFooter,
    quietHoursStart: channel.quietHoursStart,
    quietHoursEnd: channel.quietHoursEnd,
  });
  const save = useMutation(trpc.sms.updateChannel.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  const numbers = (senders.data ?? []).filter((s) => s.kind === 'origination_number');
  const options = numbers.map((s) => ({
    value: s.value,
    label: `${s.value} · ${s.numberType ?? 'number'} · ${s.status ?? 'state unknown'}${s.partsPerSecond ? ` · ${s.partsPerSecond} parts/s` : ''}`,
  }));
  if (draft.originationNumber && !options.some((o) => o.value === draft.originationNumber)) options.push({ value: draft.originationNumber, label: `${draft.originationNumber} (not listed by AWS)` });
  const picked = numbers.find((s) => s.value === draft.originationNumber);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ ...draft, senderId: draft.senderId.trim() || null, topicArn: draft.topicArn.trim() || null, helpText: draft.helpText.trim() || null });
      }}
      noValidate
    >
      <Title order={3} fz="sm" mb="xs">
        Sending
      </Title>
      <FormErrorAlert error={save.error ?? senders.error} />
      {save.isSuccess && !save.isPending && (
        <Text size="sm" c="teal" mb="xs">
          Saved.
        </Text>
      )}
      <Stack gap="sm" maw={720}>
        <Group align="flex-end" wrap="wrap">
          <Select
            label="Sending number"
            placeholder={senders.isLoading ? 'Loading numbers from AWS…' : 'Pick an origination number'}
            data={options}
            value={draft.originationNumber}
            clearable
            onChange={(v) => {
              const s = numbers.find((n) => n.value === v);
              setDraft({ ...draft, originationNumber: v, partsPerSecond: s?.partsPerSecond ?? draft.partsPerSecond });
            }}
            w={420}
          />
          <NumberInput label="Parts per second" min={1} max={1000} allowDecimal={false} value={draft.partsPerSecond} onChange={(v) => setDraft({ ...draft, partsPerSecond: typeof v === 'number' ? v : 1 })} w={140} />
        </Group>
        {picked && picked.status !== 'ACTIVE' && (
          <Alert color="orange" variant="light">
            This number is {picked.status ?? 'not active'}: 10DLC and toll-free numbers must finish registration before they can send.
          </Alert>
        )}
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Sender ID (where supported)" placeholder="e.g. ACME" value={draft.senderId} onChange={(e) => setDraft({ ...draft, senderId: e.currentTarget.value })} w={200} />
          <Select
            label="Default message type"
            data={[
              { value: 'Promotional', label: 'Promotional (marketing; quiet hours apply)' },
              { value: 'Transactional', label: 'Transactional' },
            ]}
            value={draft.defaultSmsType}
            allowDeselect={false}
            onChange={(v) => v && setDraft({ ...draft, defaultSmsType: v as typeof draft.defaultSmsType })}
            w={320}
          />
        </Group>
        <TextInput
          label="SNS topic for replies and delivery events"
          description="Subscribe https://<this server>/webhooks/sns to it; STOP/START/HELP replies and delivery status arrive there."
          placeholder="arn:aws:sns:us-east-1:123456789012:meterdesk-sms"
          value={draft.topicArn}
          onChange={(e) => setDraft({ ...draft, topicArn: e.currentTarget.value })}
        />
        <Textarea
          label="HELP reply"
          description="Name your brand and how to reach you, and say “Msg & data rates may apply”."
          autosize
          minRows={2}
          value={draft.helpText}
          onChange={(e) => setDraft({ ...draft, helpText: e.currentTarget.value })}
        />
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Compliance footer" value={draft.complianceFooter} onChange={(e) => setDraft({ ...draft, complianceFooter: e.currentTarget.value })} w={260} />
          <Select label="Quiet hours from" data={HOURS} value={String(draft.quietHoursStart)} allowDeselect={false} onChange={(v) => v && setDraft({ ...draft, quietHoursStart: Number(v) })} w={130} />
          <Select label="until" data={HOURS} value={String(draft.quietHoursEnd)} allowDeselect={false} onChange={(v) => v && setDraft({ ...draft, quietHoursEnd: Number(v) })} w={130} />
        </Group>
        <Text size="xs" c="dimmed">
          Marketing texts wait outside these hours in each recipient’s local time (TCPA: 8 am–9 pm).
        </Text>
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save SMS settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function OptOutSync({ syncedAt }: { syncedAt: Date | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sync = useMutation(trpc.sms.syncOptOuts.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  return (
    <div>
      <Title order={3} fz="sm" mb={4}>
        Opt-out list
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        Numbers AWS opted out (STOP replies) are copied here hourly and before each campaign. Last synced: {syncedAt ? new Date(syncedAt).toLocaleString() : 'never'}.
      </Text>
      <FormErrorAlert error={sync.error} />
      {sync.data && (
        <Text size="sm" mb="xs" data-testid="sms-sync-result">
          {sync.data.listed} numbers on the AWS list, {sync.data.changed} newly opted out.
        </Text>
      )}
      <Button size="xs" variant="default" loading={sync.isPending} onClick={() => sync.mutate()}>
        Sync now
      </Button>
    </div>
  );
}

/** Replies such as “please stop texting me”: a person decides whether they revoke consent. */
export function SmsRevocationReviewCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reviews = useQuery(trpc.sms.reviews.queryOptions());
  const resolve = useMutation(trpc.sms.resolveReview.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  const rows = reviews.data ?? [];
  const pending = rows.filter((r) => r.state === 'pending').length;
  return (
    <Card data-testid="sms-review-card">
      <Group justify="space-between">
        <Title order={2} fz="md">
          SMS replies to review
        </Title>
        {pending > 0 && <Badge color="orange">{pending} waiting</Badge>}
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Consent may be revoked in any reasonable words (FCC, 2025). Replies that look like it wait here; honour them within 10 business days.
      </Text>
      <FormErrorAlert error={reviews.error ?? resolve.error} />
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing to review.
        </Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Received</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>Reply</Table.Th>
              <Table.Th>Decision</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{new Date(r.receivedAt).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Text size="sm">{r.contactName ?? 'Unknown contact'}</Text>
                  <Text size="xs" c="dimmed">
                    {r.fromPhone}
                  </Text>
                </Table.Td>
                <Table.Td style={{ maxWidth: 320, overflowWrap: 'anywhere' }}>{r.body}</Table.Td>
                <Table.Td>
                  {r.state === 'pending' ? (
                    <Group gap="xs">
                      <Button size="xs" color="red" loading={resolve.isPending && resolve.variables?.id === r.id} onClick={() => resolve.mutate({ id: r.id, decision: 'opt_out' })}>
                        Opt out
                      </Button>
                      <Button size="xs" variant="default" onClick={() => resolve.mutate({ id: r.id, decision: 'not_revocation' })}>
                        Not a revocation
                      </Button>
                    </Group>
                  ) : (
                    <Text size="sm">
                      {r.state === 'opted_out' ? 'Opted out' : 'Not a revocation'}
                      {r.reviewedBy ? ` · ${r.reviewedBy}` : ''}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
