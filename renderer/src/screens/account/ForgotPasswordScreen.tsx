// "Forgot password?": with an email server, a single-use link by email (the same answer whatever the
// address, so nobody learns who has an account); without one, who can issue a link instead.
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { IconInfoCircle, IconMailCheck } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { AuthLayout } from '../../components/AuthLayout';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { applyFieldErrors, hasFieldErrors } from '../../lib/errors';
import { forgotPasswordSchema } from '../../lib/validation';
import { useTRPC } from '../../trpc';

const FIELDS = ['email'] as const;

export function ForgotPasswordScreen() {
  const trpc = useTRPC();
  const options = useQuery(trpc.auth.options.queryOptions());
  const form = useForm<z.input<typeof forgotPasswordSchema>, unknown, z.output<typeof forgotPasswordSchema>>({ resolver: zodResolver(forgotPasswordSchema), defaultValues: { email: '' } });
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const { setError, setFocus } = form;
  useEffect(() => {
    if (request.error) applyFieldErrors(request.error, setError, FIELDS);
  }, [request.error, setError]);
  useEffect(() => setFocus('email'), [setFocus]);

  return (
    <AuthLayout title="Reset your password" subtitle="Choose a new password through a link that works once, within an hour.">
      {options.isPending ? (
        <Skeleton h={120} />
      ) : options.data && !options.data.passwordResetByEmail ? (
        <Alert color="brand" variant="light" icon={<IconInfoCircle size={18} />} title="No email server is set up">
          This Meterdesk cannot send email, so it cannot send you a reset link. Ask your platform administrator (support) to issue one: they check who you are and give you a link that works once, within an hour.
        </Alert>
      ) : request.data ? (
        <Alert color="teal" variant="light" icon={<IconMailCheck size={18} />} role="status" title="Check your inbox">
          {request.data.message}
        </Alert>
      ) : (
        <form onSubmit={form.handleSubmit((v) => request.mutate(v))} noValidate>
          <Stack gap="md">
            {!hasFieldErrors(request.error, FIELDS) && <FormErrorAlert error={request.error} />}
            <TextInput label="Work email" type="email" autoComplete="username" error={form.formState.errors.email?.message} {...form.register('email')} />
            <Button type="submit" size="md" fullWidth loading={request.isPending}>
              Email me a link
            </Button>
          </Stack>
        </form>
      )}
      <Text ta="center" size="sm" c="dimmed" mt="lg">
        Remembered it?{' '}
        <Anchor href="#/sign-in" fw={600}>
          Back to sign in
        </Anchor>
      </Text>
    </AuthLayout>
  );
}
