// Invites one person by email, with a role and optionally a team. The email lands in the outbox
// (and goes out over SMTP when configured).
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSend } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { ORG_ROLES } from '../../../../server/permissions/permissions';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { applyFieldErrors, hasFieldErrors } from '../../lib/errors';
import { useAccess } from '../../lib/me';
import { ROLE_DESCRIPTIONS, roleOptions } from '../../lib/roles';
import { useRefresh } from '../../lib/useRefresh';
import { emailField } from '../../lib/validation';
import { useTRPC } from '../../trpc';
import { useTeamOptions } from './useTeamOptions';

const schema = z.object({
  email: emailField,
  role: z.enum(ORG_ROLES, 'Choose a role.'),
  teamId: z.string().nullable(),
});
type Values = z.input<typeof schema>;
const FIELDS = ['email', 'role', 'teamId'] as const;

export function InviteMemberModal({ opened, onClose, onInvited }: { opened: boolean; onClose: () => void; onInvited?: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const { orgRole } = useAccess();
  const teams = useTeamOptions(opened);
  const form = useForm<Values, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { email: '', role: 'member', teamId: null },
  });
  const { errors } = form.formState;
  const role = form.watch('role');
  const teamId = form.watch('teamId');

  const invite = useMutation(
    trpc.invitations.create.mutationOptions({
      onSuccess: async (invitation) => {
        notifications.show(
          invitation.delivery === 'smtp'
            ? { color: 'teal', title: 'Invitation sent', message: `${invitation.email} will get an email with a link to join.` }
            : { color: 'blue', title: 'Invitation ready', message: `No email server is set up: copy the link from the Outbox and send it to ${invitation.email} yourself.` },
        );
        close();
        onInvited?.();
        await refresh.invitations();
      },
    }),
  );
  const { setError } = form;
  useEffect(() => {
    if (invite.error) applyFieldErrors(invite.error, setError, FIELDS);
  }, [invite.error, setError]);

  const close = () => {
    form.reset();
    invite.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Invite member</Text>} centered>
      <form
        onSubmit={(e) => {
          invite.reset();
          return form.handleSubmit((v) => invite.mutate({ email: v.email, role: v.role, teamId: v.teamId }))(e);
        }}
        noValidate
      >
        <Stack gap="md">
          {!hasFieldErrors(invite.error, FIELDS) && <FormErrorAlert error={invite.error} />}
          <TextInput label="Email" type="email" placeholder="name@company.com" autoComplete="off" data-autofocus error={errors.email?.message} {...form.register('email')} />
          <Controller
            control={form.control}
            name="role"
            render={({ field }) => (
              <Select
                label="Role"
                data={roleOptions(orgRole === 'owner')}
                value={field.value}
                onChange={(v) => v && field.onChange(v)}
                onBlur={field.onBlur}
                allowDeselect={false}
                description={ROLE_DESCRIPTIONS[role]}
                error={errors.role?.message}
              />
            )}
          />
          <Controller
            control={form.control}
            name="teamId"
            render={({ field }) => (
              <Select
                label="Team"
                placeholder={teams.isPending ? 'Loading teams…' : teams.options.length ? 'No team' : 'No teams yet'}
                data={teams.options}
                value={field.value}
                onChange={field.onChange}
                onBlur={field.onBlur}
                clearable
                searchable
                nothingFoundMessage="No team by that name"
                description={teamId && role === 'manager' ? 'They will manage this team.' : 'Optional: they join this team when they accept.'}
                error={errors.teamId?.message}
              />
            )}
          />
          <Group justify="flex-end" gap="sm" mt="xs">
            <Button variant="default" onClick={close} disabled={invite.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={invite.isPending} leftSection={<IconSend size={16} />}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
