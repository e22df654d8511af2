// A team's members: add an organization member by email, remove someone. Managers cannot add or
// remove team managers (the server refuses); the controls follow the same rule.
import { zodResolver } from '@hookform/resolvers/zod';
import { ActionIcon, Avatar, Badge, Button, Group, Select, Skeleton, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconUserMinus, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { applyFieldErrors, errorMessage, hasFieldErrors } from '../../lib/errors';
import { useAccess } from '../../lib/me';
import { useRefresh } from '../../lib/useRefresh';
import { emailField } from '../../lib/validation';
import { initials } from '../../shell/UserMenu';
import { useTRPC } from '../../trpc';
import type { MemberRow } from '../members/useMembersQuery';
import type { Team } from './types';

/** More than this and the drawer says how many more; the members screen filters by team for all. */
const SHOWN = 500;

export function TeamMembersSection({ team, canManage }: { team: Team; canManage: boolean }) {
  const { can } = useAccess();
  const canSee = can('members:read') || (can('members:read_team') && team.managedByMe);
  const archived = !!team.archivedAt;
  return (
    <Stack gap="md">
      {canManage && !archived && <AddTeamMemberForm team={team} />}
      {canManage && archived && (
        <Text size="sm" c="dimmed">
          Restore the team to add people to it.
        </Text>
      )}
      {canSee ? (
        <TeamMemberList team={team} canManage={canManage && !archived} />
      ) : (
        <Text size="sm" c="dimmed">
          Admins and the team’s managers see who is in it.
        </Text>
      )}
    </Stack>
  );
}

const addSchema = z.object({ email: emailField, role: z.enum(['member', 'manager']) });
type AddValues = z.input<typeof addSchema>;

function AddTeamMemberForm({ team }: { team: Team }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const { can } = useAccess();
  const admin = can('teams:manage');
  const form = useForm<AddValues, unknown, z.output<typeof addSchema>>({ resolver: zodResolver(addSchema), defaultValues: { email: '', role: 'member' } });
  const add = useMutation(
    trpc.teams.addMember.mutationOptions({
      onSuccess: async (result) => {
        notifications.show({ color: 'teal', message: `${result.name} is now ${result.role === 'manager' ? 'a manager' : 'a member'} of ${team.name}.` });
        form.reset({ email: '', role: form.getValues('role') });
        await refresh.teams();
      },
    }),
  );
  const { setError } = form;
  useEffect(() => {
    if (add.error) applyFieldErrors(add.error, setError, ['email', 'role']);
  }, [add.error, setError]);

  return (
    <form
      onSubmit={(e) => {
        add.reset();
        return form.handleSubmit((v) => add.mutate({ teamId: team.id, email: v.email, role: v.role }))(e);
      }}
      noValidate
    >
      <Stack gap="xs">
        {!hasFieldErrors(add.error, ['email', 'role']) && <FormErrorAlert error={add.error} />}
        <Group gap="sm" align="flex-start" wrap="nowrap">
          <TextInput
            label="Member email"
            description="Someone already in the organization."
            placeholder="colleague@company.com"
            type="email"
            autoComplete="off"
            size="sm"
            error={form.formState.errors.email?.message}
            style={{ flex: 1 }}
            {...form.register('email')}
          />
          {admin && (
            <Controller
              control={form.control}
              name="role"
              render={({ field }) => (
                <Select
                  label="Team role"
                  description="In this team."
                  size="sm"
                  w={120}
                  data={[
                    { value: 'member', label: 'Member' },
                    { value: 'manager', label: 'Manager' },
                  ]}
                  value={field.value}
                  onChange={(v) => v && field.onChange(v)}
                  allowDeselect={false}
                  error={form.formState.errors.role?.message}
                />
              )}
            />
          )}
        </Group>
        <Button type="submit" size="sm" leftSection={<IconUserPlus size={16} />} loading={add.isPending} style={{ alignSelf: 'flex-start' }}>
          Add to team
        </Button>
      </Stack>
    </form>
  );
}

function TeamMemberList({ team, canManage }: { team: Team; canManage: boolean }) {
  const trpc = useTRPC();
  const members = useQuery(trpc.members.list.queryOptions({ teamId: team.id, limit: SHOWN }));
  if (members.isError) return <ErrorState error={members.error} onRetry={() => members.refetch()} title="The team’s members could not be loaded" />;
  if (!members.data) {
    return (
      <Stack gap="xs" aria-busy="true" aria-label="Loading the team’s members">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} h={40} />
        ))}
      </Stack>
    );
  }
  if (members.data.items.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nobody in this team yet.
      </Text>
    );
  }
  return (
    <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label={`Members of ${team.name}`}>
      {members.data.items.map((m) => (
        <TeamMemberItem key={m.membershipId} member={m} team={team} canManage={canManage} />
      ))}
      {members.data.total > members.data.items.length && (
        <Text size="xs" c="dimmed" mt="xs">
          and {members.data.total - members.data.items.length} more: filter the Members screen by this team to see everyone.
        </Text>
      )}
    </Stack>
  );
}

function TeamMemberItem({ member, team, canManage }: { member: MemberRow; team: Team; canManage: boolean }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const { can } = useAccess();
  const teamRole = member.teams.find((t) => t.id === team.id)?.role ?? 'member';
  const canRemove = canManage && (teamRole !== 'manager' || can('teams:manage'));
  const remove = useMutation(
    trpc.teams.removeMember.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', message: `${member.name} left ${team.name}.` });
        await refresh.teams();
      },
      onError: (error) => notifications.show({ color: 'red', title: `${member.name} was not removed`, message: errorMessage(error) }),
    }),
  );
  return (
    <Group component="li" gap="sm" wrap="nowrap" py={6} px="xs" className="md-list-row">
      <Avatar size={32} radius="xl" variant="light" color={member.status === 'active' ? 'brand' : 'gray'} aria-hidden>
        {initials(member.name)}
      </Avatar>
      <div style={{ flex: 1, minWidth: 0 }}>
        <Text size="sm" fw={500} truncate>
          {member.name}
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {member.email}
        </Text>
      </div>
      {teamRole === 'manager' && (
        <Badge size="sm" variant="light" color="teal">
          Manager
        </Badge>
      )}
      {member.status !== 'active' && (
        <Badge size="sm" variant="light" color="gray">
          Deactivated
        </Badge>
      )}
      {canRemove && (
        <Tooltip label={`Remove ${member.name} from ${team.name}`}>
          <ActionIcon variant="subtle" color="gray" loading={remove.isPending} onClick={() => remove.mutate({ teamId: team.id, userId: member.userId })} aria-label={`Remove ${member.name} from ${team.name}`}>
            <IconUserMinus size={16} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
