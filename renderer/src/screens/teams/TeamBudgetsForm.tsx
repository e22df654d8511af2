// A team's monthly budget per metric (admins). The server takes one metric at a time, so saving sends
// each changed metric in turn.
import { Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPCClient } from '../../trpc';
import { MetricLimitsEditor, diffLimits, toDrafts } from '../../components/MetricLimits';
import type { Team } from './types';

export function TeamBudgetsForm({ team }: { team: Team }) {
  const client = useTRPCClient();
  const refresh = useRefresh();
  const initial = useMemo(() => toDrafts(team.budgets), [team.budgets]);
  const [drafts, setDrafts] = useState(initial);
  const [showErrors, setShowErrors] = useState(false);
  const changes = diffLimits(team.budgets, drafts);
  const incomplete = drafts.some((d) => d.limit === '');

  const save = useMutation({
    mutationFn: async () => {
      await client.teams.setBudgets.mutate({ teamId: team.id, budgets: changes });
    },
    onSuccess: () => {
      notifications.show({ color: 'teal', message: `Budgets saved for ${team.name}.` });
      setShowErrors(false);
    },
    // Some metrics may have been saved before a failure: show what the server now has either way.
    onSettled: () => refresh.teams(),
  });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (incomplete) return setShowErrors(true);
        save.mutate();
      }}
      noValidate
    >
      <Stack gap="sm">
        {drafts.length === 0 && (
          <Text size="sm" c="dimmed">
            No budgets: the team shares the organization’s quota.
          </Text>
        )}
        <MetricLimitsEditor drafts={drafts} onChange={setDrafts} addLabel="Add a budget" noun="budget" showErrors={showErrors} />
        <FormErrorAlert error={save.error} />
        {(changes.length > 0 || incomplete) && (
          <Group gap="sm">
            <Button type="submit" size="sm" loading={save.isPending}>
              Save budgets
            </Button>
            <Button size="sm" variant="subtle" color="gray" onClick={() => (setDrafts(initial), setShowErrors(false), save.reset())} disabled={save.isPending}>
              Discard changes
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
