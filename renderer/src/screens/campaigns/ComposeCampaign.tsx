// The composer: message (live parts and encoding, non-GSM characters highlighted), type, footer,
// audience by tags, then a preview of who receives it and what it costs, and send now or later.
import { Alert, Anchor, Badge, Button, Card, Group, Loader, MultiSelect, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowLeft, IconClock, IconSend } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { errorMessage, fieldErrorsOf } from '../../lib/errors';
import { formatDateTime, formatNumber } from '../../lib/format';
import type { RouterOutputs } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { formatMicros, openCampaign } from './campaignDisplay';
import { MessageEditor } from './MessageEditor';

interface Draft {
  name: string;
  body: string;
  smsType: 'Promotional' | 'Transactional';
  appendFooter: boolean;
  includeTags: string[];
  excludeTags: string[];
  quietHoursAction: 'hold' | 'skip';
}

const EMPTY: Draft = { name: '', body: '', smsType: 'Promotional', appendFooter: true, includeTags: [], excludeTags: [], quietHoursAction: 'hold' };

export function ComposeCampaign({ draftId }: { draftId: string | null }) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [campaignId, setCampaignId] = useState<string | null>(draftId);
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [scheduledAt, setScheduledAt] = useState('');
  const [confirming, setConfirming] = useState(false);
  const existing = useQuery(trpc.campaigns.get.queryOptions({ campaignId: draftId ?? '' }, { enabled: !!draftId }));
  useEffect(() => {
    const c = existing.data;
    if (c) setDraft({ name: c.name, body: c.body, smsType: c.smsType as Draft['smsType'], appendFooter: c.appendFooter, includeTags: c.includeTags, excludeTags: c.excludeTags, quietHoursAction: c.quietHoursAction as Draft['quietHoursAction'] });
  }, [existing.data]);
  const tags = useQuery(trpc.campaigns.audienceTags.queryOptions());
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const schedule = when === 'later' && scheduledAt ? new Date(scheduledAt) : undefined;
  const [debounced] = useDebouncedValue({ ...draft, name: draft.name || 'Untitled', scheduledAt: schedule }, 400);
  const preview = useQuery(trpc.campaigns.preview.queryOptions(debounced, { enabled: debounced.body.trim().length > 0, retry: false }));
  const footer = draft.appendFooter ? (preview.data?.footer ?? 'Reply STOP to opt out') : null;

  const save = useMutation(
    trpc.campaigns.create.mutationOptions({
      onSuccess: ({ id }) => setCampaignId(id),
    }),
  );
  const update = useMutation(trpc.campaigns.update.mutationOptions());
  const launch = useMutation(trpc.campaigns.launch.mutationOptions());

  async function saveDraft(): Promise<string> {
    if (campaignId) {
      await update.mutateAsync({ campaignId, ...draft });
      return campaignId;
    }
    const { id } = await save.mutateAsync(draft);
    return id;
  }
  const saveError = save.error ?? update.error;
  const fieldErrors = fieldErrorsOf(saveError ?? preview.error);

  async function send() {
    try {
      const id = await saveDraft();
      const result = await launch.mutateAsync({ campaignId: id, scheduledAt: schedule });
      setConfirming(false);
      notifications.show({ color: 'teal', title: result.status === 'scheduled' ? 'Campaign scheduled' : 'Campaign sending', message: `${formatNumber(result.counts.eligible)} recipients, ${formatNumber(result.totalParts)} parts reserved.` });
      openCampaign(id);
    } catch {
      // shown in the modal
    }
  }

  const p = preview.data;
  const tagOptions = (tags.data ?? []).map((t) => ({ value: t.tag, label: `${t.tag} (${formatNumber(t.count)})` }));
  return (
    <Stack gap="lg">
      <Anchor component="button" onClick={() => openCampaign(null)} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Campaigns
        </Group>
      </Anchor>
      <PageHeader title={draftId ? 'Edit campaign' : 'New campaign'} description="Write the message, choose who receives it, check the preview, then send." />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Card>
          <Stack gap="md">
            <TextInput label="Name" description="For you: recipients do not see it." value={draft.name} onChange={(e) => set('name', e.currentTarget.value)} error={fieldErrors.name} maxLength={120} />
            <MessageEditor value={draft.body} onChange={(v) => set('body', v)} footer={footer} error={fieldErrors.body} />
            <Group gap="lg" align="flex-end">
              <div>
                <Text size="sm" fw={500} mb={4}>
                  Type
                </Text>
                <SegmentedControl
                  aria-label="SMS type"
                  value={draft.smsType}
                  onChange={(v) => set('smsType', v as Draft['smsType'])}
                  data={[
                    { value: 'Promotional', label: 'Promotional' },
                    { value: 'Transactional', label: 'Transactional' },
                  ]}
                />
              </div>
              <Switch label="Add the compliance footer" description={footer ?? 'Reply STOP to opt out'} checked={draft.appendFooter} onChange={(e) => set('appendFooter', e.currentTarget.checked)} />
            </Group>
            {draft.smsType === 'Promotional' && (
              <Select
                label="Recipients in quiet hours (before 8 am or after 9 pm their time)"
                value={draft.quietHoursAction}
                onChange={(v) => v && set('quietHoursAction', v as Draft['quietHoursAction'])}
                data={[
                  { value: 'hold', label: 'Hold until 8 am in their time zone' },
                  { value: 'skip', label: 'Skip them' },
                ]}
                allowDeselect={false}
              />
            )}
            <MultiSelect label="Send to contacts tagged" placeholder={draft.includeTags.length ? undefined : 'Everyone (no tag chosen)'} data={tagOptions} value={draft.includeTags} onChange={(v) => set('includeTags', v)} searchable clearable error={fieldErrors.includeTags} />
            <MultiSelect label="Except contacts tagged" data={tagOptions} value={draft.excludeTags} onChange={(v) => set('excludeTags', v)} searchable clearable />
            <Group gap="md" align="flex-end">
              <SegmentedControl
                aria-label="When"
                value={when}
                onChange={(v) => setWhen(v as 'now' | 'later')}
                data={[
                  { value: 'now', label: 'Send now' },
                  { value: 'later', label: 'Schedule' },
                ]}
              />
              {when === 'later' && <TextInput type="datetime-local" aria-label="Send at" label="Send at" value={scheduledAt} onChange={(e) => setScheduledAt(e.currentTarget.value)} />}
            </Group>
            {saveError && !fieldErrors.name && !fieldErrors.body && <FormErrorAlert error={saveError} />}
            <Group justify="flex-end">
              <Button variant="default" loading={save.isPending || update.isPending} onClick={() => void saveDraft().then(() => notifications.show({ color: 'teal', message: 'Draft saved.' }), () => {})}>
                Save draft
              </Button>
              <Button
                leftSection={when === 'later' ? <IconClock size={16} /> : <IconSend size={16} />}
                disabled={!p || p.counts.eligible === 0 || !draft.name.trim() || (when === 'later' && !scheduledAt)}
                onClick={() => setConfirming(true)}
              >
                {when === 'later' ? 'Schedule…' : 'Send…'}
              </Button>
            </Group>
          </Stack>
        </Card>
        <PreviewCard preview={p} loading={preview.isFetching} error={preview.error} hasBody={draft.body.trim().length > 0} />
      </SimpleGrid>
      <ConfirmModal
        opened={confirming}
        onClose={() => {
          setConfirming(false);
          launch.reset();
        }}
        onConfirm={() => void send()}
        title={when === 'later' ? 'Schedule this campaign?' : 'Send this campaign now?'}
        confirmLabel={when === 'later' ? 'Schedule' : 'Send now'}
        color="blue"
        pending={save.isPending || update.isPending || launch.isPending}
        error={launch.error}
      >
        {p && (
          <Text>
            {formatNumber(p.counts.eligible)} recipients, {formatNumber(p.totalParts)} SMS parts, estimated {formatMicros(p.estimatedCostMicros, p.currency)}
            {schedule ? `, starting ${formatDateTime(schedule)}` : ''}. The parts are reserved against your limits now; what is not sent is given back.
          </Text>
        )}
      </ConfirmModal>
    </Stack>
  );
}

type Preview = RouterOutputs['campaigns']['preview'];

function PreviewCard({ preview, loading, error, hasBody }: { preview: Preview | undefined; loading: boolean; error: unknown; hasBody: boolean }) {
  return (
    <Card aria-label="Preview">
      <Group justify="space-between" mb="sm">
        <Title order={3}>Preview</Title>
        {loading && <Loader size="xs" />}
      </Group>
      {!hasBody ? (
        <Text c="dimmed">Write the message to see who receives it and what it costs.</Text>
      ) : error ? (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
          {errorMessage(error)}
        </Alert>
      ) : !preview ? null : (
        <Stack gap="md">
          {preview.refusal && (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Nobody would receive it">
              {preview.refusal}
            </Alert>
          )}
          <SimpleGrid cols={3}>
            <Stat label="Recipients" value={formatNumber(preview.counts.eligible)} testId="preview-recipients" />
            <Stat label="Parts" value={`${formatNumber(preview.totalParts)} (${preview.segments.parts} each)`} />
            <Stat label="Estimated cost" value={formatMicros(preview.estimatedCostMicros, preview.currency)} testId="preview-cost" />
          </SimpleGrid>
          <Table withRowBorders={false} verticalSpacing={4} aria-label="Who receives it">
            <Table.Tbody>
              <Row label="Contacts matching the tags" value={preview.counts.matched} />
              <Row label="Without SMS consent (not sent)" value={preview.counts.noConsent} />
              <Row label="Opted out (not sent)" value={preview.counts.optedOut} />
              <Row label="Sent right away" value={preview.counts.sendNow} />
              <Row label="Held for quiet hours" value={preview.counts.heldQuietHours} hint={preview.heldUntil ? `last at ${formatDateTime(preview.heldUntil)}` : undefined} />
              {preview.counts.skippedQuietHours > 0 && <Row label="Skipped: in quiet hours" value={preview.counts.skippedQuietHours} />}
            </Table.Tbody>
          </Table>
          {preview.byCountry.length > 0 && (
            <Table verticalSpacing={4} aria-label="Cost by country">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Country</Table.Th>
                  <Table.Th>Recipients</Table.Th>
                  <Table.Th>Price a part</Table.Th>
                  <Table.Th>Cost</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.byCountry.map((c) => (
                  <Table.Tr key={c.country}>
                    <Table.Td>{c.country === '*' ? 'Other' : c.country}</Table.Td>
                    <Table.Td>{formatNumber(c.recipients)}</Table.Td>
                    <Table.Td>{formatMicros(c.pricePerPartMicros, preview.currency)}</Table.Td>
                    <Table.Td>{formatMicros(c.costMicros, preview.currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {preview.countriesWithoutRate.length > 0 && (
            <Text size="sm" c="orange">
              No rate card price for {preview.countriesWithoutRate.join(', ')}: counted as free in the estimate.
            </Text>
          )}
          <div>
            <Text size="sm" fw={500} mb={4}>
              What recipients get
            </Text>
            <Card withBorder p="sm" style={{ whiteSpace: 'pre-wrap' }}>
              <Text size="sm">{preview.text}</Text>
            </Card>
            <Group gap="xs" mt={6}>
              <Badge variant="light">{preview.segments.encoding}</Badge>
              <Badge variant="light">{preview.segments.parts} parts</Badge>
            </Group>
          </div>
        </Stack>
      )}
    </Card>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={650} size="lg" data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

function Row({ label, value, hint }: { label: string; value: number; hint?: string }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm">{label}</Text>
        {hint && (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Text size="sm" fw={500}>
          {formatNumber(value)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
