import { z } from 'zod';

export const databaseUrlSchema = z
  .string()
  .trim()
  .regex(/^postgres(ql)?:\/\/.+/, 'Enter a PostgreSQL URL such as postgresql://user:password@host:5432/meterdesk.');
