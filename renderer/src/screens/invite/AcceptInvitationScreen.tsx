// #/invite/<token>: what the invitation is (organization, role, team, who sent it) and how to
// accept it. Signed out, the screen does not know (and the server does not say) whether the invited
// email has an account: it offers both "create an account" and "sign in", and signing in happens
// here, on the same address, so the person lands back on this invitation to accept it. Someone
// signed in as another person signs out first.
import { Alert, Button, Paper, SegmentedControl, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconAlertCircle, IconLogout, IconUserCircle } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { AuthLayout } from '../../components/AuthLayout';
import { SignInForm } from '../../components/SignInForm';
import { RoleBadge } from '../../components/RoleBadge';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { orgRoleLabel, type Me } from '../../lib/me';
import { sessionReset } from '../../lib/session';
import { navigate } from '../../lib/useHashRoute';
import { useTRPC } from '../../trpc';
import { AcceptAsSignedInForm, CreateAccountAndAcceptForm } from './AcceptInvitationForm';

export function inviteTokenOf(route: string): string | null {
  const match = /^invite\/([^/]+)$/.exec(route);
  return match ? decodeURIComponent(match[1]!) : null;
}

export function AcceptInvitationScreen({ token, me }: { token: string; me: Me | null }) {
  const trpc = useTRPC();
  const invitation = useQuery({ ...trpc.invitations.describe.queryOptions({ token }), retry: false, refetchOnWindowFocus: false, staleTime: Infinity });

  if (invitation.isPending) {
    return (
      <AuthLayout title="Opening your invitation…">
        <Stack gap="sm" aria-busy="true">
          <Skeleton h={16} w="70%" />
          <Skeleton h={110} />
          <Skeleton h={44} />
        </Stack>
      </AuthLayout>
    );
  }
  if (invitation.isError) {
    return (
      <AuthLayout title="This invitation cannot be used">
        <Stack gap="lg">
          <Alert color="orange" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {errorMessage(invitation.error)}
          </Alert>
          {me ? (
            <Button variant="default" onClick={() => navigate('dashboard', { replace: true })}>
              Go to the console
            </Button>
          ) : (
            <Button onClick={() => navigate('sign-in', { replace: true })}>Go to sign in</Button>
          )}
        </Stack>
      </AuthLayout>
    );
  }

  const inv = invitation.data;
  const otherPerson = me && me.user.email.toLowerCase() !== inv.email.toLowerCase();
  return (
    <AuthLayout
      title={`Join ${inv.organizationName}`}
      subtitle={`${inv.inviterName ?? 'An admin'} invited you to join as ${article(orgRoleLabel(inv.role))}${inv.teamName ? ` in the ${inv.teamName} team` : ''}.`}
      width={480}
    >
      <Stack gap="lg">
        <Paper withBorder radius="md" px="md" py="xs" bg="var(--md-canvas)">
          <Table variant="vertical" withRowBorders={false} verticalSpacing={6} fz="sm" aria-label="Invitation">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={120} bg="transparent" fw={500} c="dimmed">
                  Organization
                </Table.Th>
                <Table.Td fw={600}>{inv.organizationName}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th bg="transparent" fw={500} c="dimmed">
                  Role
                </Table.Th>
                <Table.Td>
                  <RoleBadge role={inv.role} />
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th bg="transparent" fw={500} c="dimmed">
                  Team
                </Table.Th>
                <Table.Td>{inv.teamName ?? <Text span c="dimmed" inherit>None</Text>}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th bg="transparent" fw={500} c="dimmed">
                  Invited by
                </Table.Th>
                <Table.Td>{inv.inviterName ?? <Text span c="dimmed" inherit>An admin</Text>}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th bg="transparent" fw={500} c="dimmed">
                  Link expires
                </Table.Th>
                <Table.Td>{formatDateTime(inv.expiresAt)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Paper>
        {!me ? (
          <SignedOut token={token} email={inv.email} organizationName={inv.organizationName} />
        ) : otherPerson ? (
          <SignedInAsSomeoneElse me={me} invitedEmail={inv.email} />
        ) : (
          <AcceptAsSignedInForm token={token} me={me} organizationName={inv.organizationName} />
        )}
      </Stack>
    </AuthLayout>
  );
}

function SignedOut({ token, email, organizationName }: { token: string; email: string; organizationName: string }) {
  const [mode, setMode] = useState<'create' | 'sign-in'>('create');
  return (
    <Stack gap="md">
      <SegmentedControl
        fullWidth
        value={mode}
        onChange={(value) => setMode(value as typeof mode)}
        data={[
          { value: 'create', label: 'I’m new to Meterdesk' },
          { value: 'sign-in', label: 'I have an account' },
        ]}
        aria-label="New or existing account"
      />
      {mode === 'create' ? (
        <CreateAccountAndAcceptForm token={token} email={email} organizationName={organizationName} onSignInInstead={() => setMode('sign-in')} />
      ) : (
        // After signing in the app shows this address again, now with the button that accepts.
        <SignInForm
          defaultEmail={email}
          submitLabel="Sign in to continue"
          notice={
            <Text size="sm">
              Sign in with your Meterdesk account, then accept the invitation to {organizationName}.
            </Text>
          }
        />
      )}
    </Stack>
  );
}

function SignedInAsSomeoneElse({ me, invitedEmail }: { me: Me; invitedEmail: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Stay on this address: after signing out, the same invitation shows its form.
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        sessionReset();
      },
    }),
  );
  return (
    <Stack gap="md">
      <Alert color="yellow" variant="light" icon={<IconUserCircle size={18} />} title="You are signed in as someone else">
        <Text size="sm">
          This console is signed in as <b>{me.user.name}</b> ({me.user.email}). This invitation is for another email address, <b>{invitedEmail}</b>: sign out, then sign in or create an account with that address to accept it.
        </Text>
      </Alert>
      <Stack gap="xs">
        <Button size="md" fullWidth leftSection={<IconLogout size={16} />} loading={signOut.isPending} onClick={() => signOut.mutate()}>
          Sign out and continue
        </Button>
        <Button variant="subtle" color="gray" fullWidth onClick={() => navigate('dashboard', { replace: true })}>
          Back to the console
        </Button>
      </Stack>
    </Stack>
  );
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word.toLowerCase()}` : `a ${word.toLowerCase()}`;
}
