// Edits monthly amounts per metric — a member's personal limits or a team's budgets — and saves
// every change in one request, so they apply together or not at all.
import { Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { FormErrorAlert } from './FormErrorAlert';
import { MetricLimitsEditor, diffLimits, toDrafts, type Draft, type LimitRow } from './MetricLimits';
import type { ReactNode } from 'react';

export interface MetricLimitsFormProps {
  limits: LimitRow[];
  /** Sends the changed metrics (null removes one). */
  save(changes: ReturnType<typeof diffLimits>): Promise<unknown>;
  /** Runs after a save, successful or not, to show what the server now has. */
  refresh(): Promise<unknown>;
  noun: 'limit' | 'budget';
  emptyText: string;
  savedMessage: string;
  /** Advice on the amounts as typed (e.g. above a team budget); shown under the editor, never blocking. */
  advice?(drafts: Draft[]): ReactNode;
}

export function MetricLimitsForm({ limits, save: send, refresh, noun, emptyText, savedMessage, advice }: MetricLimitsFormProps) {
  const initial = useMemo(() => toDrafts(limits), [limits]);
  const [drafts, setDrafts] = useState(initial);
  const [showErrors, setShowErrors] = useState(false);
  const changes = diffLimits(limits, drafts);
  const incomplete = drafts.some((d) => d.limit === '');

  const save = useMutation({
    mutationFn: () => send(changes),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: savedMessage });
      setShowErrors(false);
    },
    onSettled: () => refresh(),
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
            {emptyText}
          </Text>
        )}
        <MetricLimitsEditor drafts={drafts} onChange={setDrafts} addLabel={`Add a ${noun}`} noun={noun} showErrors={showErrors} />
        {advice?.(drafts)}
        <FormErrorAlert error={save.error} />
        {(changes.length > 0 || incomplete) && (
          <Group gap="sm">
            <Button type="submit" size="sm" loading={save.isPending}>
              Save {noun}s
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
