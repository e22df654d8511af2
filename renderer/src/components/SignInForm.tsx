// Email and password for an existing account, shared by the sign-in screen and the invitation
// screen (which signs in first, then accepts). Throttled answers count down before a retry.
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Checkbox, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { applyFieldErrors, hasFieldErrors, retryAfterSecondsOf } from '../lib/errors';
import { clearSessionNotice } from '../lib/session';
import { useCountdown } from '../lib/useCountdown';
import { signInSchema } from '../lib/validation';
import { useTRPC } from '../trpc';
import { FormErrorAlert } from './FormErrorAlert';

const FIELDS = ['email', 'password', 'remember'] as const;

export function SignInForm({
  defaultEmail = '',
  onSignedIn,
  notice,
  submitLabel = 'Sign in',
}: {
  defaultEmail?: string;
  /** Runs before the app's queries refetch as the signed-in user (e.g. to choose where to land). */
  onSignedIn?: () => void;
  /** Shown above the fields until the first server answer. */
  notice?: ReactNode;
  submitLabel?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<z.input<typeof signInSchema>, unknown, z.output<typeof signInSchema>>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: defaultEmail, password: '', remember: false },
  });
  const { errors } = form.formState;

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async () => {
        clearSessionNotice();
        onSignedIn?.();
        await queryClient.invalidateQueries();
      },
    }),
  );

  const { setError, setFocus } = form;
  useEffect(() => {
    if (signIn.error) applyFieldErrors(signIn.error, setError, FIELDS);
  }, [signIn.error, setError]);
  // With the email prefilled, start where typing is still needed.
  useEffect(() => setFocus(defaultEmail ? 'password' : 'email'), [defaultEmail, setFocus]);

  const secondsLeft = useCountdown(retryAfterSecondsOf(signIn.error), signIn.error);

  return (
    <form
      onSubmit={(e) => {
        // A new attempt replaces the last answer, unless the server asked us to wait.
        if (secondsLeft === 0) signIn.reset();
        return form.handleSubmit((values) => signIn.mutate(values))(e);
      }}
      noValidate
    >
      <Stack gap="md">
        {!signIn.error && notice}
        {!hasFieldErrors(signIn.error, FIELDS) && <FormErrorAlert error={signIn.error} secondsLeft={secondsLeft} />}
        <TextInput label="Work email" type="email" autoComplete="username" error={errors.email?.message} {...form.register('email')} />
        <PasswordInput label="Password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
        <Checkbox label="Remember me" {...form.register('remember')} />
        <Button type="submit" size="md" fullWidth loading={signIn.isPending} disabled={secondsLeft > 0}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
