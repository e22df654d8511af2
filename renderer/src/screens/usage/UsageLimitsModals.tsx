// Limits where people look: a team's budgets, a person's limits and the organization's alert
// thresholds, edited from the dashboards with the same audited procedures as the Teams, Members and
// Settings screens (teams.setBudgets, members.setLimits, organization.updateSettings). The next
// reservation is decided on the new numbers.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC, useTRPCClient } from '../../trpc';
import { MemberLimitsForm } from '../members/MemberLimitsForm';
import { AlertThresholdsInput } from '../settings/AlertThresholdsInput';
import { TeamBudgetsForm } from '../teams/TeamBudgetsForm';

export function TeamBudgetsModal({ teamId, opened, onClose }: { teamId: string; opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const teams = useQuery({ ...trpc.teams.list.queryOptions({ includeArchived: true }), enabled: opened });
  const team = teams.data?.find((t) => t.id === teamId);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>{team ? `${team.name}: monthly budgets` : 'Monthly budgets'}</Text>} size="lg">
      {teams.isError ? <ErrorState error={teams.error} onRetry={() => teams.refetch()} title="The team could not be loaded" /> : team ? <TeamBudgetsForm key={team.id} team={team} /> : <Text size="sm">Loading…</Text>}
    </Modal>
  );
}

export function MemberLimitsModal({
  membershipId,
  name,
  limits,
  opened,
  onClose,
}: {
  membershipId: string;
  name: string;
  limits: { metric: string; limit: number }[];
  opened: boolean;
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>{name}: monthly limits</Text>} size="lg">
      <MemberLimitsForm key={membershipId} membershipId={membershipId} name={name} limits={limits} />
    </Modal>
  );
}

export function AlertThresholdsModal({ thresholds, opened, onClose }: { thresholds: number[]; opened: boolean; onClose: () => void }) {
  const client = useTRPCClient();
  const refresh = useRefresh();
  const [value, setValue] = useState(thresholds);
  const save = useMutation({
    mutationFn: () => client.organization.updateSettings.mutate({ alertThresholds: value }),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: 'Alert thresholds saved.' });
      onClose();
    },
    onSettled: () => refresh.organization(),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Usage alert thresholds</Text>}>
      <Stack gap="md">
        <AlertThresholdsInput value={value} onChange={setValue} error={value.length === 0 ? 'Keep at least one alert threshold.' : undefined} />
        {save.isError && <FormErrorAlert error={save.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={save.isPending} disabled={value.length === 0 || value.join() === thresholds.join()} onClick={() => save.mutate()}>
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
