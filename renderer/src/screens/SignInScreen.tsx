import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Checkbox, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { AuthLayout } from '../components/AuthLayout';
import { FormErrorAlert } from '../components/FormErrorAlert';
import { applyFieldErrors, hasFieldErrors, retryAfterSecondsOf } from '../lib/errors';
import { clearSessionNotice, useSessionState } from '../lib/session';
import { useCountdown } from '../lib/useCountdown';
import { currentRoute, navigate } from '../lib/useHashRoute';
import { signInSchema } from '../lib/validation';
import { useTRPC } from '../trpc';

const FIELDS = ['email', 'password', 'remember'] as const;

export function SignInScreen({ defaultEmail = '' }: { defaultEmail?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notice } = useSessionState();
  const form = useForm<z.input<typeof signInSchema>, unknown, z.output<typeof signInSchema>>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: defaultEmail, password: '', remember: false },
  });
  const { errors } = form.formState;

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async () => {
        clearSessionNotice();
        // A deep link the user opened before signing in (e.g. #/members) survives; the sign-in page does not.
        if (['', 'sign-in', 'sign-up'].includes(currentRoute())) navigate('dashboard', { replace: true });
        await queryClient.invalidateQueries();
      },
    }),
  );

  const { setError, setFocus } = form;
  useEffect(() => {
    if (signIn.error) applyFieldErrors(signIn.error, setError, FIELDS);
  }, [signIn.error, setError]);
  // With the email prefilled (after loading demo data), start where typing is still needed.
  useEffect(() => setFocus(defaultEmail ? 'password' : 'email'), [defaultEmail, setFocus]);

  const secondsLeft = useCountdown(retryAfterSecondsOf(signIn.error), signIn.error);

  return (
    <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to manage your organization.">
      <form
        onSubmit={(e) => {
          // A new attempt replaces the last answer, unless the server asked us to wait.
          if (secondsLeft === 0) signIn.reset();
          return form.handleSubmit((values) => signIn.mutate(values))(e);
        }}
        noValidate
      >
        <Stack gap="md">
          {notice && !signIn.error && (
            <Alert role="status" color="brand" variant="light" icon={<IconInfoCircle size={18} />}>
              {notice}
            </Alert>
          )}
          {!hasFieldErrors(signIn.error, FIELDS) && <FormErrorAlert error={signIn.error} secondsLeft={secondsLeft} />}
          <TextInput label="Work email" type="email" autoComplete="username" error={errors.email?.message} {...form.register('email')} />
          <PasswordInput label="Password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
          <Checkbox label="Remember me" {...form.register('remember')} />
          <Button type="submit" size="md" fullWidth loading={signIn.isPending} disabled={secondsLeft > 0}>
            Sign in
          </Button>
        </Stack>
      </form>
      <Text ta="center" size="sm" c="dimmed" mt="lg">
        New to Meterdesk?{' '}
        <Anchor href="#/sign-up" fw={600}>
          Create an account
        </Anchor>
      </Text>
    </AuthLayout>
  );
}
