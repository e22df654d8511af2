import { Alert, Anchor, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { AuthLayout } from '../components/AuthLayout';
import { SignInForm } from '../components/SignInForm';
import { useSessionState } from '../lib/session';
import { currentRoute, navigate } from '../lib/useHashRoute';

export function SignInScreen({ defaultEmail = '' }: { defaultEmail?: string }) {
  const { notice } = useSessionState();
  return (
    <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to manage your organization.">
      <SignInForm
        defaultEmail={defaultEmail}
        // A deep link the user opened before signing in (e.g. #/members) survives; the sign-in page does not.
        onSignedIn={() => {
          if (['', 'sign-in', 'sign-up'].includes(currentRoute())) navigate('dashboard', { replace: true });
        }}
        notice={
          notice && (
            <Alert role="status" color="brand" variant="light" icon={<IconInfoCircle size={18} />}>
              {notice}
            </Alert>
          )
        }
      />
      <Text ta="center" size="sm" c="dimmed" mt="lg">
        New to Meterdesk?{' '}
        <Anchor href="#/sign-up" fw={600}>
          Create an account
        </Anchor>
      </Text>
    </AuthLayout>
  );
}
