import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { teamNameSchema } from '../../../../server/teams/team-name-rules';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { applyFieldErrors, hasFieldErrors } from '../../lib/errors';
import { useAccess } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';

const schema = z.object({ name: teamNameSchema });
type Values = z.input<typeof schema>;

export function CreateTeamModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const { can } = useAccess();
  const form = useForm<Values, unknown, z.output<typeof schema>>({ resolver: zodResolver(schema), defaultValues: { name: '' } });
  const create = useMutation(
    trpc.teams.create.mutationOptions({
      onSuccess: async (team) => {
        notifications.show({ color: 'teal', title: 'Team created', message: can('teams:manage') ? `${team?.name} is ready for members.` : `${team?.name} is ready, and you manage it.` });
        close();
        await refresh.teams();
      },
    }),
  );
  const { setError } = form;
  useEffect(() => {
    if (create.error) applyFieldErrors(create.error, setError, ['name']);
  }, [create.error, setError]);
  const close = () => {
    form.reset();
    create.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>New team</Text>} centered>
      <form
        onSubmit={(e) => {
          create.reset();
          return form.handleSubmit((v) => create.mutate(v))(e);
        }}
        noValidate
      >
        <Stack gap="md">
          {!hasFieldErrors(create.error, ['name']) && <FormErrorAlert error={create.error} />}
          <TextInput
            label="Team name"
            placeholder="e.g. Customer success"
            description={can('teams:manage') ? undefined : 'You will be the team’s manager.'}
            data-autofocus
            autoComplete="off"
            error={form.formState.errors.name?.message}
            {...form.register('name')}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create team
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
