// The forms under an invitation. Signed out: create a new account for the invited email (someone
// who already has one signs in first — the server never takes an existing account's password
// here). Signed in as the invitee: one button joins the organization.
import { zodResolver } from '@hookform/resolvers/zod';
import { Anchor, Button, Checkbox, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PasswordStrengthMeter } from '../../components/PasswordStrengthMeter';
import { applyFieldErrors, errorCode, hasFieldErrors } from '../../lib/errors';
import type { Me } from '../../lib/me';
import { sessionReset } from '../../lib/session';
import { navigate } from '../../lib/useHashRoute';
import { nameField, newPasswordField } from '../../lib/validation';
import { useTRPC } from '../../trpc';

const newAccountSchema = z.object({ name: nameField, password: newPasswordField, remember: z.boolean() });
type Values = { name: string; password: string; remember: boolean };
const FIELDS = ['name', 'password', 'remember'] as const;

/** invitations.accept, and on success a fresh start of the console in the organization just joined. */
function useAcceptInvitation(organizationName: string, message: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.invitations.accept.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: 'teal', title: `Welcome to ${organizationName}`, message });
        // A new session or a new active organization: start the console over, on its dashboard.
        queryClient.clear();
        navigate('dashboard', { replace: true });
        sessionReset();
      },
    }),
  );
}

export function CreateAccountAndAcceptForm({ token, email, organizationName, onSignInInstead }: { token: string; email: string; organizationName: string; onSignInInstead: () => void }) {
  const form = useForm<Values>({ resolver: zodResolver(newAccountSchema), defaultValues: { name: '', password: '', remember: false } });
  const { errors } = form.formState;
  const password = form.watch('password');
  const accept = useAcceptInvitation(organizationName, 'Your account was created and you are signed in.');

  const { setError, setFocus } = form;
  useEffect(() => {
    if (accept.error) applyFieldErrors(accept.error, setError, FIELDS);
  }, [accept.error, setError]);
  useEffect(() => setFocus('name'), [setFocus]);

  return (
    <form
      onSubmit={(e) => {
        accept.reset();
        return form.handleSubmit((v) => accept.mutate({ token, name: v.name, password: v.password, remember: v.remember }))(e);
      }}
      noValidate
    >
      <Stack gap="md">
        {!hasFieldErrors(accept.error, FIELDS) && <FormErrorAlert error={accept.error} />}
        {errorCode(accept.error) === 'CONFLICT' && (
          <Text size="sm">
            <Anchor component="button" type="button" fw={600} onClick={onSignInInstead}>
              Sign in instead
            </Anchor>
          </Text>
        )}
        <TextInput label="Email" value={email} readOnly autoComplete="username" variant="filled" />
        <TextInput label="Your name" autoComplete="name" error={errors.name?.message} {...form.register('name')} />
        <div>
          <PasswordInput label="Password" autoComplete="new-password" error={errors.password?.message} {...form.register('password')} />
          <div style={{ marginTop: 8 }}>
            <PasswordStrengthMeter password={password} userInputs={[email, form.watch('name')]} />
          </div>
        </div>
        <Checkbox label="Remember me" description="Stay signed in on this computer after closing it." {...form.register('remember')} />
        <Button type="submit" size="md" fullWidth loading={accept.isPending} mt="xs">
          Create account and join
        </Button>
      </Stack>
    </form>
  );
}

export function AcceptAsSignedInForm({ token, me, organizationName }: { token: string; me: Me; organizationName: string }) {
  const accept = useAcceptInvitation(organizationName, `You joined ${organizationName}; it is now your active organization.`);
  return (
    <Stack gap="md">
      <FormErrorAlert error={accept.error} />
      <Text size="sm">
        You are signed in as <b>{me.user.name}</b> ({me.user.email}). Accept to join {organizationName} with this account.
      </Text>
      <Button size="md" fullWidth loading={accept.isPending} onClick={() => accept.mutate({ token })} data-autofocus>
        Accept invitation
      </Button>
      <Button variant="subtle" color="gray" fullWidth onClick={() => navigate('dashboard', { replace: true })}>
        Not now
      </Button>
    </Stack>
  );
}
