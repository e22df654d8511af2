// The signed-in person's own account: change the password (current one required; every other
// session ends) and the list of their sessions, each revocable, beside "sign out everywhere".
import { zodResolver } from '@hookform/resolvers/zod';
import { Badge, Button, Card, Group, PasswordInput, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBrowser, IconDeviceDesktop, IconQuestionMark } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PasswordStrengthMeter } from '../../components/PasswordStrengthMeter';
import { applyFieldErrors, hasFieldErrors, retryAfterSecondsOf } from '../../lib/errors';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { sessionReset } from '../../lib/session';
import { useCountdown } from '../../lib/useCountdown';
import { navigate } from '../../lib/useHashRoute';
import { useSignOut } from '../../lib/useSignOut';
import { changePasswordSchema } from '../../lib/validation';
import { useTRPC } from '../../trpc';

export function AccountScreen() {
  return (
    <Stack gap="xl">
      <PageHeader title="Password and sessions" description="Your own sign-in: change your password, and see where you are signed in." />
      <ChangePasswordCard />
      <SessionsCard />
    </Stack>
  );
}

const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'] as const;

function ChangePasswordCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me } = useAccess();
  const form = useForm<z.input<typeof changePasswordSchema>, unknown, z.output<typeof changePasswordSchema>>({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
  });
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: async ({ otherSessionsEnded }) => {
        form.reset();
        notifications.show({ color: 'teal', title: 'Password changed', message: otherSessionsEnded ? `${otherSessionsEnded} other session${otherSessionsEnded === 1 ? '' : 's'} ended.` : 'You were signed in nowhere else.' });
        await queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() });
      },
    }),
  );
  const { setError } = form;
  useEffect(() => {
    if (change.error) applyFieldErrors(change.error, setError, FIELDS);
  }, [change.error, setError]);
  const secondsLeft = useCountdown(retryAfterSecondsOf(change.error), change.error);
  const newPassword = form.watch('newPassword');
  const { errors } = form.formState;

  return (
    <Card>
      <Title order={2} fz="md">
        Change password
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Every other session of your account ends; this one stays signed in.
      </Text>
      <form
        onSubmit={(e) => {
          if (secondsLeft === 0) change.reset();
          return form.handleSubmit((v) => change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword }))(e);
        }}
        noValidate
      >
        <Stack gap="md" maw={420}>
          {!hasFieldErrors(change.error, FIELDS) && <FormErrorAlert error={change.error} secondsLeft={secondsLeft} />}
          <input type="text" autoComplete="username" value={me.user.email} readOnly hidden />
          <PasswordInput label="Current password" autoComplete="current-password" error={errors.currentPassword?.message} {...form.register('currentPassword')} />
          <div>
            <PasswordInput label="New password" autoComplete="new-password" error={errors.newPassword?.message} {...form.register('newPassword')} />
            <PasswordStrengthMeter password={newPassword} userInputs={[me.user.email, me.user.name]} />
          </div>
          <PasswordInput label="New password again" autoComplete="new-password" error={errors.confirmPassword?.message} {...form.register('confirmPassword')} />
          <Group>
            <Button type="submit" loading={change.isPending} disabled={secondsLeft > 0}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function SessionsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.account.sessions.queryOptions());
  const { signOutEverywhere } = useSignOut();
  const [confirmAll, setConfirmAll] = useState(false);
  const revoke = useMutation(
    trpc.account.revokeSession.mutationOptions({
      onSuccess: async ({ signedOut }) => {
        if (signedOut) {
          queryClient.clear();
          navigate('sign-in', { replace: true });
          sessionReset();
          return;
        }
        notifications.show({ color: 'teal', message: 'That session has ended.' });
        await queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() });
      },
    }),
  );

  return (
    <Card>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm" mb="md">
        <div>
          <Title order={2} fz="md">
            Sessions
          </Title>
          <Text size="sm" c="dimmed">
            Where your account is signed in now. End any you do not recognise, then change your password.
          </Text>
        </div>
        <Button variant="light" color="red" onClick={() => setConfirmAll(true)}>
          Sign out everywhere
        </Button>
      </Group>
      <FormErrorAlert error={revoke.error} />
      {sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => sessions.refetch()} />
      ) : !sessions.data ? (
        <Skeleton h={120} />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" aria-label="Your sessions" className="md-table-sticky-actions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last seen</Table.Th>
                <Table.Th style={{ width: 1 }}>
                  <span className="md-visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.map((s) => (
                <Table.Tr key={s.id} data-testid="session-row">
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {s.transport === 'desktop' ? <IconDeviceDesktop size={18} aria-hidden /> : s.transport === 'browser' ? <IconBrowser size={18} aria-hidden /> : <IconQuestionMark size={18} aria-hidden />}
                      <div>
                        <Text size="sm" fw={500}>
                          {s.device}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {s.transport === 'desktop' ? 'Desktop app' : s.transport === 'browser' ? 'Browser' : 'Unknown'}
                        </Text>
                      </div>
                      {s.current && (
                        <Badge size="sm" variant="light" color="teal">
                          This session
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(s.createdAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" title={formatDateTime(s.lastSeenAt)}>
                      {formatRelative(s.lastSeenAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" color="red" loading={revoke.isPending && revoke.variables?.sessionId === s.id} onClick={() => revoke.mutate({ sessionId: s.id })} aria-label={s.current ? 'Sign out of this session' : `Revoke ${s.device}`}>
                      {s.current ? 'Sign out' : 'Revoke'}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmModal
        opened={confirmAll}
        onClose={() => setConfirmAll(false)}
        onConfirm={() => signOutEverywhere.mutate()}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        pending={signOutEverywhere.isPending}
        error={signOutEverywhere.error}
      >
        <Text size="sm">Every session of your account ends, this one included. You will sign in again here.</Text>
      </ConfirmModal>
    </Card>
  );
}
