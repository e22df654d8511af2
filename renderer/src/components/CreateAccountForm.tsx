// One form for "sign up" and the first-run wizard: both create a person, their organization and a
// session, with the same inputs and the same server rules.
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Checkbox, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { applyFieldErrors, hasFieldErrors } from '../lib/errors';
import { CREATE_ACCOUNT_FIELDS, createAccountSchema, type CreateAccountValues } from '../lib/validation';
import { FormErrorAlert } from './FormErrorAlert';
import { PasswordStrengthMeter } from './PasswordStrengthMeter';

type Output = z.output<typeof createAccountSchema>;

export function CreateAccountForm({
  submitLabel,
  onSubmit,
  pending,
  error,
  clearError,
  defaultRemember = false,
}: {
  submitLabel: string;
  onSubmit: (values: Output) => void;
  pending: boolean;
  error: unknown;
  /** Forgets the last server answer when the user tries again. */
  clearError: () => void;
  defaultRemember?: boolean;
}) {
  const form = useForm<CreateAccountValues, unknown, Output>({
    resolver: zodResolver(createAccountSchema),
    defaultValues: { name: '', email: '', password: '', organizationName: '', remember: defaultRemember },
  });
  const { errors } = form.formState;
  const password = form.watch('password');

  // Server-side field messages (e.g. "An account with this email already exists") go under the field;
  // the banner is only for errors that belong to no field.
  const fieldsMarked = hasFieldErrors(error, CREATE_ACCOUNT_FIELDS);
  const { setError } = form;
  useEffect(() => {
    if (error) applyFieldErrors(error, setError, CREATE_ACCOUNT_FIELDS);
  }, [error, setError]);

  return (
    <form
      onSubmit={(e) => {
        clearError();
        return form.handleSubmit(onSubmit)(e);
      }}
      noValidate
    >
      <Stack gap="md">
        {!fieldsMarked && <FormErrorAlert error={error} />}
        <TextInput label="Your name" autoComplete="name" error={errors.name?.message} {...form.register('name')} />
        <TextInput label="Work email" type="email" autoComplete="email" error={errors.email?.message} {...form.register('email')} />
        <div>
          <PasswordInput label="Password" autoComplete="new-password" error={errors.password?.message} {...form.register('password')} />
          <div style={{ marginTop: 8 }}>
            <PasswordStrengthMeter password={password} userInputs={[form.watch('email'), form.watch('name'), form.watch('organizationName')]} />
          </div>
        </div>
        <TextInput
          label="Organization name"
          description="Your company or team, as your colleagues know it."
          autoComplete="organization"
          error={errors.organizationName?.message}
          {...form.register('organizationName')}
        />
        <Checkbox label="Remember me" description="Stay signed in on this computer after closing it." {...form.register('remember')} />
        <Button type="submit" size="md" fullWidth loading={pending} mt="xs">
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}

