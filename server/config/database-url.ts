import { plainText } from '../validation/text';

export const databaseUrlSchema = plainText()
  .trim()
  .regex(/^postgres(ql)?:\/\/.+/, 'Enter a PostgreSQL URL such as postgresql://user:password@host:5432/meterdesk.');
