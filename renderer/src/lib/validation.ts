// The server's own input rules, checked in the form before submitting. The server stays the
// authority: its fieldErrors land on the same fields.
import { z } from 'zod';
import { passwordSchema } from '../../../server/auth/password-rules';
import { emailSchema, organizationNameSchema, personNameSchema } from '../../../server/auth/validation';
import { databaseUrlSchema } from '../../../server/config/database-url';

export const emailField = emailSchema;

export const nameField = personNameSchema;

export const organizationNameField = organizationNameSchema;

export const newPasswordField = passwordSchema;

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
