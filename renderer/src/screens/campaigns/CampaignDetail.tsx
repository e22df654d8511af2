// One campaign, live: counters by status (polled), progress, estimated against actual cost, pause /
// resume / cancel, the messages (virtualized, filtered by status) and the unknown ones to review.
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Progress, Select, SimpleGrid, Skeleton, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowLeft, IconPlayerPause, IconPlayerPlay, IconX } from '@tabler/icons-react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useTRPC } from '../../trpc';
import { CAMPAIGN_STATUS, formatMicros, MESSAGE_STATUS, openCampaign } from './campaignDisplay';

const COUNTERS = ['queued', 'held_quiet_hours', 'sent', 'delivered', 'failed', 'blocked_quota', 'skipped_opt_out', 'skipped_quiet_hours', 'unknown', 'canceled'] as const;

export function CampaignDetail({ campaignId }: { campaignId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const campaign = useQuery(
    trpc.campaigns.get.queryOptions({ campaignId }, { refetchInterval: (q) => (q.state.data && ['sending', 'scheduled', 'paused', 'launching'].includes(q.state.data.status) ? 1500 : q.state.data?.status === 'canceled' && !q.state.data.completedAt ? 1500 : false) }),
  );
  const [cancelling, setCancelling] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });
  const pause = useMutation(trpc.campaigns.pause.mutationOptions({ onSuccess: refresh, onError: (e) => notifications.show({ color: 'red', message: e.message }) }));
  const resume = useMutation(trpc.campaigns.resume.mutationOptions({ onSuccess: refresh, onError: (e) => notifications.show({ color: 'red', message: e.message }) }));
  const cancel = useMutation(trpc.campaigns.cancel.mutationOptions({ onSuccess: () => (setCancelling(false), void refresh()) }));

  if (campaign.isError) return <ErrorState error={campaign.error} onRetry={() => campaign.refetch()} title="This campaign could not be loaded" />;
  if (!campaign.data) return <Skeleton h={300} aria-busy="true" aria-label="Loading campaign" />;
  const c = campaign.data;
  const status = CAMPAIGN_STATUS[c.status] ?? { label: c.status, color: 'gray' };
  const queuedNow = c.counts.queued! - c.counts.held_quiet_hours!;
  return (
    <Stack gap="lg">
      <Anchor component="button" onClick={() => openCampaign(null)} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Campaigns
        </Group>
      </Anchor>
      <PageHeader
        title={c.name}
        description={
          <Group gap="xs" component="span">
            <Badge color={status.color} variant="light" data-testid="campaign-status">
              {status.label}
            </Badge>
            <span>
              {c.smsType} · by {c.ownerName} · {c.startedAt ? `started ${formatDateTime(c.startedAt)}` : c.scheduledAt ? `starts ${formatDateTime(c.scheduledAt)}` : `created ${formatDateTime(c.createdAt)}`}
              {c.completedAt ? ` · ended ${formatDateTime(c.completedAt)}` : ''}
            </span>
          </Group>
        }
        actions={
          c.canChange && (
            <>
              {c.status === 'sending' && (
                <Button variant="default" leftSection={<IconPlayerPause size={16} />} loading={pause.isPending} onClick={() => pause.mutate({ campaignId })}>
                  Pause
                </Button>
              )}
              {c.status === 'paused' && (
                <Button leftSection={<IconPlayerPlay size={16} />} loading={resume.isPending} onClick={() => resume.mutate({ campaignId })}>
                  Resume
                </Button>
              )}
              {['scheduled', 'sending', 'paused'].includes(c.status) && (
                <Button variant="default" color="red" leftSection={<IconX size={16} />} onClick={() => setCancelling(true)}>
                  Cancel
                </Button>
              )}
            </>
          )
        }
      />
      {c.statusReason && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
          {c.statusReason}
        </Alert>
      )}
      <Card>
        <Group justify="space-between" mb={6}>
          <Text fw={600}>Progress</Text>
          <Text size="sm" c="dimmed" data-testid="campaign-progress">
            {Math.round(c.progress * 100)}% · {formatNumber(c.total - c.counts.queued! - c.counts.sending!)} of {formatNumber(c.total)} done
          </Text>
        </Group>
        <Progress value={c.progress * 100} size="lg" aria-label="Campaign progress" />
        <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }} mt="md">
          {COUNTERS.map((key) => {
            const value = key === 'queued' ? queuedNow : c.counts[key]!;
            if (value === 0 && ['blocked_quota', 'skipped_quiet_hours', 'canceled', 'held_quiet_hours'].includes(key)) return null;
            return (
              <div key={key} data-testid={`counter-${key}`}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  {MESSAGE_STATUS[key]!.label}
                </Text>
                <Text fw={650} size="xl">
                  {formatNumber(value)}
                </Text>
              </div>
            );
          })}
        </SimpleGrid>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card>
          <Text fw={600} mb="xs">
            Cost
          </Text>
          <Group gap="xl">
            <div>
              <Text size="xs" c="dimmed">
                Estimated
              </Text>
              <Text fw={650}>{formatMicros(c.estimatedCostMicros, c.currency)}</Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">
                Actual so far
              </Text>
              <Text fw={650} data-testid="actual-cost">
                {formatMicros(c.actualCostMicros, c.currency)}
              </Text>
            </div>
          </Group>
          <Text size="xs" c="dimmed" mt="xs">
            Actual: the delivery reports’ price where they carried one, else the rate card’s price for what went out.
          </Text>
        </Card>
        <Card>
          <Text fw={600} mb="xs">
            Message
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {c.text}
          </Text>
          <Text size="xs" c="dimmed" mt={6}>
            {c.segments.parts} parts · {c.segments.encoding} · {c.includeTags.length ? `tags ${c.includeTags.join(', ')}` : 'all contacts'}
            {c.excludeTags.length ? ` except ${c.excludeTags.join(', ')}` : ''}
          </Text>
        </Card>
      </SimpleGrid>
      {c.counts.unknown! > 0 && c.canChange && <UnknownReview campaignId={campaignId} onDone={refresh} />}
      <MessageList campaignId={campaignId} />
      <ConfirmModal
        opened={cancelling}
        onClose={() => setCancelling(false)}
        onConfirm={() => cancel.mutate({ campaignId })}
        title="Cancel this campaign?"
        confirmLabel="Cancel campaign"
        pending={cancel.isPending}
        error={cancel.error}
      >
        <Text>Queued messages will not be sent ({formatNumber(c.counts.queued!)}). Messages already on their way finish. The unused reservation goes back to your limits.</Text>
      </ConfirmModal>
    </Stack>
  );
}

function MessageList({ campaignId }: { campaignId: string }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<string | null>(null);
  const messages = useInfiniteQuery(
    trpc.campaigns.messages.infiniteQueryOptions(
      { campaignId, status: (status ?? undefined) as never, limit: 200 },
      { getNextPageParam: (last) => last.next ?? undefined, refetchInterval: 5000 },
    ),
  );
  const rows = messages.data?.pages.flatMap((p) => p.items) ?? [];
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 44, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  if (last && last.index >= rows.length - 20 && messages.hasNextPage && !messages.isFetchingNextPage) void messages.fetchNextPage();
  return (
    <Card>
      <Group justify="space-between" mb="sm">
        <Title order={3}>Messages</Title>
        <Select
          aria-label="Filter by status"
          placeholder="Every status"
          clearable
          value={status}
          onChange={setStatus}
          data={Object.entries(MESSAGE_STATUS)
            .filter(([k]) => k !== 'held_quiet_hours')
            .map(([value, s]) => ({ value, label: s.label }))}
          w={240}
        />
      </Group>
      <div ref={parent} style={{ height: 420, overflow: 'auto' }} role="table" aria-label="Campaign messages">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const m = rows[item.index]!;
            const s = MESSAGE_STATUS[m.status] ?? { label: m.status, color: 'gray' };
            const held = m.status === 'queued' && m.notBefore && new Date(m.notBefore).getTime() > Date.now();
            return (
              <Group key={m.id} role="row" wrap="nowrap" gap="md" px="xs" style={{ position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)`, borderBottom: '1px solid var(--mantine-color-default-border)' }}>
                <Text size="sm" w={160} truncate>
                  {m.contactName ?? '—'}
                </Text>
                <Text size="sm" ff="monospace" w={140}>
                  {m.phone}
                </Text>
                <Badge color={held ? 'violet' : s.color} variant="light" w={190}>
                  {held ? `Held until ${formatDateTime(m.notBefore)}` : s.label}
                </Badge>
                <Text size="xs" c="dimmed" truncate style={{ flex: 1 }} title={m.error ?? undefined}>
                  {m.error ?? (m.sentAt ? `sent ${formatDateTime(m.sentAt)}` : '')}
                </Text>
              </Group>
            );
          })}
        </div>
        {rows.length === 0 && !messages.isPending && (
          <Text c="dimmed" ta="center" py="lg">
            No messages{status ? ' with this status' : ''}.
          </Text>
        )}
      </div>
    </Card>
  );
}

function UnknownReview({ campaignId, onDone }: { campaignId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const unknown = useQuery(trpc.campaigns.messages.queryOptions({ campaignId, status: 'unknown', limit: 1000 }));
  const [selected, setSelected] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const review = useMutation(
    trpc.campaigns.reviewUnknown.mutationOptions({
      onSuccess: (r) => {
        notifications.show({ color: 'teal', message: `${r.changed} messages resolved.` });
        setSelected([]);
        setNote('');
        void unknown.refetch();
        onDone();
      },
    }),
  );
  const items = unknown.data?.items ?? [];
  return (
    <Card withBorder style={{ borderColor: 'var(--mantine-color-yellow-5)' }} aria-label="Unknown — needs review">
      <Title order={3}>Unknown — needs review</Title>
      <Text size="sm" c="dimmed" mb="sm">
        The sender stopped between handing these to the provider and hearing back: they may or may not have gone out, so they are never resent. Check the provider’s delivery logs, then mark them.
        Their parts are counted as used.
      </Text>
      <Stack gap={4} mah={240} style={{ overflow: 'auto' }}>
        {items.map((m) => (
          <Checkbox
            key={m.id}
            label={`${m.contactName ?? ''} ${m.phone} — ${m.error ?? ''}`}
            checked={selected.includes(m.id)}
            onChange={(e) => setSelected((s) => (e.currentTarget.checked ? [...s, m.id] : s.filter((x) => x !== m.id)))}
          />
        ))}
      </Stack>
      <Group mt="sm" align="flex-end">
        <Checkbox label="All" checked={selected.length === items.length && items.length > 0} onChange={(e) => setSelected(e.currentTarget.checked ? items.map((m) => m.id) : [])} />
        <Textarea label="Note (kept in the audit log)" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize maxRows={3} style={{ flex: 1 }} maxLength={500} />
        <Button variant="default" disabled={!selected.length} loading={review.isPending} onClick={() => review.mutate({ campaignId, messageIds: selected, outcome: 'sent', note: note || undefined })}>
          Mark as sent
        </Button>
        <Button variant="default" color="red" disabled={!selected.length} loading={review.isPending} onClick={() => review.mutate({ campaignId, messageIds: selected, outcome: 'failed', note: note || undefined })}>
          Mark as failed
        </Button>
      </Group>
      {review.error && <FormErrorAlert error={review.error} />}
    </Card>
  );
}
