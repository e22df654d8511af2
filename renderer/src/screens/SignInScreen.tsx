import { Alert, Anchor, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { AuthLayout } from '../components/AuthLayout';
import { SignInForm } from '../components/SignInForm';
import { useQuery } from '@tanstack/react-query';
import { useSessionState } from '../lib/session';
import { useTRPC } from '../trpc';
import { currentRoute, navigate } from '../lib/useHashRoute';

export function SignInScreen({ defaultEmail = '' }: { defaultEmail?: string }) {
  const { notice } = useSessionState();
  const trpc = useTRPC();
  const options = useQuery(trpc.auth.options.queryOptions());
  return (
    <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to manage your organization.">
      <SignInForm
        defaultEmail={defaultEmail}
        // A deep link the user opened before signing in (e.g. #/members) survives; the sign-in page does not.
        onSignedIn={() => {
          if (['', 'sign-in', 'sign-up', 'forgot-password'].includes(currentRoute())) navigate('dashboard', { replace: true });
        }}
        notice={
          notice && (
            <Alert role="status" color="brand" variant="light" icon={<IconInfoCircle size={18} />}>
              {notice}
            </Alert>
          )
        }
      />
      <Text ta="center" size="sm" mt="md">
        <Anchor href="#/forgot-password">Forgot your password?</Anchor>
      </Text>
      {/* Invite-only: accounts come from invitations; the server refuses sign-up too. */}
      {options.data?.signUpOpen && (
        <Text ta="center" size="sm" c="dimmed" mt="sm">
          New to Meterdesk?{' '}
          <Anchor href="#/sign-up" fw={600}>
            Create an account
          </Anchor>
        </Text>
      )}
      {options.data && !options.data.signUpOpen && (
        <Text ta="center" size="sm" c="dimmed" mt="sm">
          New here? Accounts are by invitation: ask an administrator of your organization to invite you.
        </Text>
      )}
    </AuthLayout>
  );
}
