// Per-person monthly limits, one per metric (inside the team budget and the organization's quota).
// Admins edit them here; the drawer shows others a read-only list (components/MetricLimits.tsx).
import { Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { MetricLimitsEditor, diffLimits, toDrafts, type LimitRow } from '../../components/MetricLimits';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';

export function MemberLimitsForm({ membershipId, name, limits }: { membershipId: string; name: string; limits: LimitRow[] }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const initial = useMemo(() => toDrafts(limits), [limits]);
  const [drafts, setDrafts] = useState(initial);
  const [showErrors, setShowErrors] = useState(false);
  const changes = diffLimits(limits, drafts);
  const incomplete = drafts.some((d) => d.limit === '');

  const save = useMutation(
    trpc.members.setLimits.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', message: `Limits saved for ${name}.` });
        setShowErrors(false);
        await refresh.member();
      },
    }),
  );

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (incomplete) return setShowErrors(true);
        save.mutate({ membershipId, limits: changes });
      }}
      noValidate
    >
      <Stack gap="sm">
        {drafts.length === 0 && (
          <Text size="sm" c="dimmed">
            No personal limits: {name} shares the team budget and the organization’s quota.
          </Text>
        )}
        <MetricLimitsEditor drafts={drafts} onChange={setDrafts} addLabel="Add a limit" noun="limit" showErrors={showErrors} />
        <FormErrorAlert error={save.error} />
        {(changes.length > 0 || incomplete) && (
          <Group gap="sm">
            <Button type="submit" size="sm" loading={save.isPending}>
              Save limits
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
