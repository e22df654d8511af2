// #/campaigns: SMS campaigns — the list, the composer and each campaign's live detail.
import { Badge, Button, Card, EmptyState, Group, Progress, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconMessage2, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { CampaignDetail } from './CampaignDetail';
import { CAMPAIGN_STATUS, openCampaign, useCampaignView } from './campaignDisplay';
import { ComposeCampaign } from './ComposeCampaign';

export function CampaignsScreen() {
  const view = useCampaignView();
  if (view.view === 'new') return <ComposeCampaign key={view.draftId ?? 'new'} draftId={view.draftId} />;
  if (view.view === 'detail') return <CampaignDetail key={view.id} campaignId={view.id} />;
  return <CampaignList />;
}

function CampaignList() {
  const trpc = useTRPC();
  const access = useAccess();
  const canSend = access.can('communications:send');
  const campaigns = useQuery(trpc.campaigns.list.queryOptions({}, { refetchInterval: 5000 }));
  return (
    <Stack gap="lg">
      <PageHeader
        title="Campaigns"
        description="SMS broadcasts to your contacts by tag, within your limits, with consent, opt-outs and quiet hours respected."
        actions={
          canSend && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => openCampaign(null, { compose: true })}>
              New campaign
            </Button>
          )
        }
      />
      {campaigns.isError ? (
        <Card>
          <ErrorState error={campaigns.error} onRetry={() => campaigns.refetch()} title="Campaigns could not be loaded" />
        </Card>
      ) : !campaigns.data ? (
        <Stack gap="xs" aria-busy="true" aria-label="Loading campaigns">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} h={52} />
          ))}
        </Stack>
      ) : campaigns.data.length === 0 ? (
        <EmptyState
          py={56}
          variant="light"
          icon={<IconMessage2 size={26} />}
          title="No campaigns yet"
          description={canSend ? 'Write a message, pick who receives it by tag, preview the cost, and send it now or later.' : 'Campaigns you may see will appear here.'}
          style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
        >
          {canSend && (
            <EmptyState.Actions>
              <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => openCampaign(null, { compose: true })}>
                Create your first campaign
              </Button>
            </EmptyState.Actions>
          )}
        </EmptyState>
      ) : (
        <Card p={0}>
          <Table.ScrollContainer minWidth={800}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Campaigns">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Recipients</Table.Th>
                  <Table.Th>Progress</Table.Th>
                  <Table.Th>When</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {campaigns.data.map((c) => {
                  const status = CAMPAIGN_STATUS[c.status] ?? { label: c.status, color: 'gray' };
                  return (
                    <Table.Tr
                      key={c.id}
                      style={{ cursor: 'pointer' }}
                      onClick={() => (c.status === 'draft' ? openCampaign(null, { compose: true, draftId: c.id }) : openCampaign(c.id))}
                    >
                      <Table.Td>
                        <Text fw={500}>{c.name}</Text>
                        <Text size="xs" c="dimmed">
                          {c.smsType}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={status.color} variant="light">
                          {status.label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{c.ownerName}</Table.Td>
                      <Table.Td>{formatNumber(c.recipients)}</Table.Td>
                      <Table.Td w={180}>
                        {c.recipients > 0 && (
                          <Group gap="xs" wrap="nowrap">
                            <Progress value={(100 * c.sent) / c.recipients} w={100} aria-label={`${c.sent} of ${c.recipients} sent`} />
                            <Text size="xs" c="dimmed">
                              {formatNumber(c.sent)} sent
                            </Text>
                          </Group>
                        )}
                      </Table.Td>
                      <Table.Td>{formatDateTime(c.completedAt ?? c.startedAt ?? c.scheduledAt ?? c.createdAt)}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  );
}
