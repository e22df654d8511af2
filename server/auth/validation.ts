import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter a valid email address, like name@company.com.').max(254, 'Email addresses have at most 254 characters.'));

export const personNameSchema = z.string().trim().min(1, 'Enter your name.').max(120, 'Use at most 120 characters.');

export const organizationNameSchema = z
  .string()
  .trim()
  .min(2, 'Organization names have at least 2 characters.')
  .max(120, 'Use at most 120 characters.');
