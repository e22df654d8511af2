import { z } from 'zod';
import { plainText } from '../validation/text';

// Every schema here starts from plainText(): PostgreSQL cannot store NUL, and control characters hide in logs and exports.
export const emailSchema = plainText()
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter a valid email address, like name@company.com.').max(254, 'Email addresses have at most 254 characters.'));

export const personNameSchema = plainText().trim().min(1, 'Enter your name.').max(120, 'Use at most 120 characters.');

export const organizationNameSchema = plainText()
  .trim()
  .min(2, 'Organization names have at least 2 characters.')
  .max(120, 'Use at most 120 characters.');
