import { Anchor, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AuthLayout } from '../components/AuthLayout';
import { CreateAccountForm } from '../components/CreateAccountForm';
import { clearSessionNotice } from '../lib/session';
import { navigate } from '../lib/useHashRoute';
import { useTRPC } from '../trpc';

export function SignUpScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
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
      <CreateAccountForm submitLabel="Create account" onSubmit={(values) => signUp.mutate(values)} pending={signUp.isPending} error={signUp.error} clearError={signUp.reset} />
      <Text ta="center" size="sm" c="dimmed" mt="lg">
        Already have an account?{' '}
        <Anchor href="#/sign-in" fw={600}>
          Sign in instead
        </Anchor>
      </Text>
    </AuthLayout>
  );
}
