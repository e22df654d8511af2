// The form under an invitation: a new account (name and password) or, when the email already has
// an account, that account's password. Either way the person is signed in on success.
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Checkbox, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PasswordStrengthMeter } from '../../components/PasswordStrengthMeter';
import { applyFieldErrors, hasFieldErrors } from '../../lib/errors';
import { sessionReset } from '../../lib/session';
import { navigate } from '../../lib/useHashRoute';
import { nameField, newPasswordField } from '../../lib/validation';
import { useTRPC } from '../../trpc';

const newAccountSchema = z.object({ name: nameField, password: newPasswordField, remember: z.boolean() });
const existingAccountSchema = z.object({ name: z.string(), password: z.string().min(1, 'Enter your password.'), remember: z.boolean() });
type Values = { name: string; password: string; remember: boolean };
const FIELDS = ['name', 'password', 'remember'] as const;

export function AcceptInvitationForm({ token, email, organizationName, accountExists }: { token: string; email: string; organizationName: string; accountExists: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    resolver: zodResolver(accountExists ? existingAccountSchema : newAccountSchema),
    defaultValues: { name: '', password: '', remember: false },
  });
  const { errors } = form.formState;
  const password = form.watch('password');

  const accept = useMutation(
    trpc.invitations.accept.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: 'teal', title: `Welcome to ${organizationName}`, message: 'Your invitation was accepted and you are signed in.' });
        // A new session (maybe a new person): start the console over, on the new organization's dashboard.
        queryClient.clear();
        navigate('dashboard', { replace: true });
        sessionReset();
      },
    }),
  );
  const { setError, setFocus } = form;
  useEffect(() => {
    if (accept.error) applyFieldErrors(accept.error, setError, FIELDS);
  }, [accept.error, setError]);
  useEffect(() => setFocus(accountExists ? 'password' : 'name'), [accountExists, setFocus]);

  return (
    <form
      onSubmit={(e) => {
        accept.reset();
        return form.handleSubmit((v) => accept.mutate({ token, password: v.password, remember: v.remember, ...(accountExists ? {} : { name: v.name }) }))(e);
      }}
      noValidate
    >
      <Stack gap="md">
        {!hasFieldErrors(accept.error, FIELDS) && <FormErrorAlert error={accept.error} />}
        {accountExists && (
          <Text size="sm">
            <b>{email}</b> already has a Meterdesk account. Enter its password to join {organizationName}.
          </Text>
        )}
        <TextInput label="Email" value={email} readOnly autoComplete="username" variant="filled" />
        {!accountExists && <TextInput label="Your name" autoComplete="name" error={errors.name?.message} {...form.register('name')} />}
        {accountExists ? (
          <PasswordInput label="Password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
        ) : (
          <div>
            <PasswordInput label="Password" autoComplete="new-password" error={errors.password?.message} {...form.register('password')} />
            <div style={{ marginTop: 8 }}>
              <PasswordStrengthMeter password={password} />
            </div>
          </div>
        )}
        <Checkbox label="Remember me" description="Stay signed in on this computer after closing it." {...form.register('remember')} />
        <Button type="submit" size="md" fullWidth loading={accept.isPending} mt="xs">
          Accept invitation
        </Button>
      </Stack>
    </form>
  );
}
