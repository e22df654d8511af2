import { Alert, Anchor, Text } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AuthLayout } from '../components/AuthLayout';
import { CreateAccountForm } from '../components/CreateAccountForm';
import { clearSessionNotice } from '../lib/session';
import { navigate } from '../lib/useHashRoute';
import { useTRPC } from '../trpc';

export function SignUpScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = useQuery(trpc.auth.options.queryOptions());
  const signUp = useMutation(
    trpc.auth.signUp.mutationOptions({
      onSuccess: async () => {
        clearSessionNotice();
        navigate('dashboard', { replace: true });
        await queryClient.invalidateQueries();
      },
    }),
  );

  return (
    <AuthLayout title="Create your account" subtitle="You will be the owner of a new organization. Invite your team once you are in.">
      {options.data && !options.data.signUpOpen ? (
        <Alert color="brand" variant="light" icon={<IconLock size={18} />} title="Accounts are by invitation">
          New accounts are created from invitations here. Ask an administrator of your organization to invite you, then open the link in the invitation.
        </Alert>
      ) : (
      <CreateAccountForm submitLabel="Create account" onSubmit={(values) => signUp.mutate(values)} pending={signUp.isPending} error={signUp.error} clearError={signUp.reset} />
      )}
      <Text ta="center" size="sm" c="dimmed" mt="lg">
        Already have an account?{' '}
        <Anchor href="#/sign-in" fw={600}>
          Sign in instead
        </Anchor>
      </Text>
    </AuthLayout>
  );
}
