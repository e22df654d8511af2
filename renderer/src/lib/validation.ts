// The server's own input rules, checked in the form before submitting. The server stays the
// authority: its fieldErrors land on the same fields.
import { z } from 'zod';
import { passwordLengthSchema } from '../../../server/auth/password-limits';
import { emailSchema, organizationNameSchema, personNameSchema } from '../../../server/auth/validation';
import { databaseUrlSchema } from '../../../server/config/database-url';

export const emailField = emailSchema;

export const nameField = personNameSchema;

export const organizationNameField = organizationNameSchema;

// Length here; strength (zxcvbn, with the person's own words) is shown by the meter as they type and
// enforced by the server, whose message lands under the same field.
export const newPasswordField = passwordLengthSchema;

export const signInSchema = z.object({
  email: emailField,
  password: z.string().min(1, 'Enter your password.'),
  remember: z.boolean(),
});

export const createAccountSchema = z.object({
  name: nameField,
  email: emailField,
  password: newPasswordField,
  organizationName: organizationNameField,
  remember: z.boolean(),
});
export type CreateAccountValues = z.input<typeof createAccountSchema>;
export const CREATE_ACCOUNT_FIELDS = ['name', 'email', 'password', 'organizationName', 'remember'] as const;

export const databaseUrlField = databaseUrlSchema;

export const forgotPasswordSchema = z.object({ email: emailField });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password.'),
    newPassword: newPasswordField,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords differ.' });

export const resetPasswordSchema = z
  .object({ password: newPasswordField, confirmPassword: z.string() })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords differ.' });
