// Opened from a reset link (#/reset-password/<token>): choose a new password. The link works once;
// afterwards every session of the account has ended and the person signs in with the new password.
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, PasswordInput, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { AuthLayout } from '../../components/AuthLayout';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PasswordStrengthMeter } from '../../components/PasswordStrengthMeter';
import { applyFieldErrors, hasFieldErrors } from '../../lib/errors';
import { resetPasswordSchema } from '../../lib/validation';
import { useTRPC } from '../../trpc';

const FIELDS = ['password', 'confirmPassword'] as const;

export function resetTokenOf(route: string): string | null {
  const match = /^reset-password\/([A-Za-z0-9_-]{1,100})$/.exec(route);
  return match ? match[1]! : null;
}

export function ResetPasswordScreen({ token }: { token: string }) {
  const trpc = useTRPC();
  const reset = useQuery(trpc.auth.describePasswordReset.queryOptions({ token }, { retry: false, refetchOnWindowFocus: false }));
  const form = useForm<z.input<typeof resetPasswordSchema>, unknown, z.output<typeof resetPasswordSchema>>({ resolver: zodResolver(resetPasswordSchema), defaultValues: { password: '', confirmPassword: '' } });
  const redeem = useMutation(trpc.auth.resetPassword.mutationOptions());
  const { setError } = form;
  useEffect(() => {
    if (redeem.error) applyFieldErrors(redeem.error, setError, FIELDS);
  }, [redeem.error, setError]);
  const password = form.watch('password');

  return (
    <AuthLayout title="Choose a new password" subtitle="Every session of your account ends when you save it.">
      {reset.isPending ? (
        <Skeleton h={160} />
      ) : reset.isError ? (
        <ErrorState error={reset.error} />
      ) : redeem.isSuccess ? (
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} role="status" title="Your password is changed">
          Sign in with your new password. Every other session of your account has ended.
        </Alert>
      ) : (
        <form
          onSubmit={(e) => {
            redeem.reset();
            return form.handleSubmit((v) => redeem.mutate({ token, password: v.password }))(e);
          }}
          noValidate
        >
          <Stack gap="md">
            {!hasFieldErrors(redeem.error, FIELDS) && <FormErrorAlert error={redeem.error} />}
            <TextInput label="Account" value={reset.data.email} readOnly variant="filled" autoComplete="username" />
            <div>
              <PasswordInput label="New password" autoComplete="new-password" error={form.formState.errors.password?.message} {...form.register('password')} />
              <PasswordStrengthMeter password={password} userInputs={[reset.data.email]} />
            </div>
            <PasswordInput label="New password again" autoComplete="new-password" error={form.formState.errors.confirmPassword?.message} {...form.register('confirmPassword')} />
            <Button type="submit" size="md" fullWidth loading={redeem.isPending}>
              Save new password
            </Button>
          </Stack>
        </form>
      )}
      <Text ta="center" size="sm" c="dimmed" mt="lg">
        <Anchor href="#/sign-in" fw={600}>
          Go to sign in
        </Anchor>
      </Text>
    </AuthLayout>
  );
}
