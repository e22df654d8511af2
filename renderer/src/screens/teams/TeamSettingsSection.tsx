// Rename, archive or restore a team (admins and the team's managers).
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArchive, IconArchiveOff } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { fieldErrorsOf, hasFieldErrors } from '../../lib/errors';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';
import type { Team } from './types';

export function TeamSettingsSection({ team }: { team: Team }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [name, setName] = useState(team.name);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const archived = !!team.archivedAt;

  const rename = useMutation(
    trpc.teams.update.mutationOptions({
      onSuccess: async (updated) => {
        notifications.show({ color: 'teal', message: `Renamed to ${updated?.name}.` });
        await refresh.teams();
      },
    }),
  );
  const archive = useMutation(
    trpc.teams.update.mutationOptions({
      onSuccess: async (updated) => {
        setConfirmArchive(false);
        notifications.show({ color: 'teal', message: updated?.archivedAt ? `${team.name} was archived.` : `${team.name} was restored.` });
        await refresh.teams();
      },
    }),
  );
  const trimmed = name.trim();
  const nameError = trimmed.length === 0 ? 'Give the team a name.' : trimmed.length > 80 ? 'Use at most 80 characters.' : undefined;

  return (
    <Stack gap="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!nameError && trimmed !== team.name) rename.mutate({ teamId: team.id, name: trimmed });
        }}
        noValidate
      >
        <Stack gap="xs">
          {!hasFieldErrors(rename.error, ['name']) && <FormErrorAlert error={rename.error} />}
          <Group gap="sm" align="flex-end" wrap="nowrap">
            <TextInput
              label="Name"
              size="sm"
              value={name}
              onChange={(e) => (setName(e.currentTarget.value), rename.reset())}
              error={fieldErrorsOf(rename.error).name ?? (trimmed !== team.name ? nameError : undefined)}
              style={{ flex: 1 }}
            />
            <Button type="submit" size="sm" variant="default" disabled={!!nameError || trimmed === team.name} loading={rename.isPending}>
              Rename
            </Button>
          </Group>
        </Stack>
      </form>
      <Group justify="space-between" gap="sm" wrap="nowrap">
        <Text size="sm" c="dimmed">
          {archived
            ? 'Archived teams keep their history. Restore this one to use it again.'
            : 'Archiving hides the team from lists and pickers; its history stays.'}
        </Text>
        <Button
          size="sm"
          variant={archived ? 'light' : 'default'}
          color={archived ? 'teal' : 'orange'}
          leftSection={archived ? <IconArchiveOff size={16} /> : <IconArchive size={16} />}
          onClick={() => (archive.reset(), archived ? archive.mutate({ teamId: team.id, archived: false }) : setConfirmArchive(true))}
          loading={archived && archive.isPending}
          style={{ flexShrink: 0 }}
        >
          {archived ? 'Restore team' : 'Archive team'}
        </Button>
      </Group>
      {archived && <FormErrorAlert error={archive.error} />}
      <ConfirmModal
        opened={confirmArchive}
        onClose={() => setConfirmArchive(false)}
        onConfirm={() => archive.mutate({ teamId: team.id, archived: true })}
        title={`Archive ${team.name}?`}
        confirmLabel="Archive team"
        color="orange"
        pending={archive.isPending}
        error={archive.error}
      >
        <Text size="sm">
          The team disappears from lists and pickers and no longer shows on its members. Nobody loses access to the organization, and you can
          restore the team from “Show archived” at any time.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
