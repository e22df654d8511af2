// The input schemas of a contact's fields, shared by create and update.
import { z } from 'zod';
import { plainText } from '../validation/text';
import { MANUAL_CONSENT_SOURCES, MAX_CONSENT_DETAIL, contactEmailSchema, contactNameSchema, tagListSchema } from './contact-rules';
import { MAX_PHONE_INPUT } from './contact-phone';

/** ISO 3166-1 alpha-2 of national-format numbers (default: the organization's billing country). */
export const countryInput = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'country must be a two-letter ISO 3166 code such as US or GB')
  .transform((c) => c.toUpperCase());

export const phoneInput = plainText().max(MAX_PHONE_INPUT * 2, 'That is too long to be a phone number.');

export const manualConsentInput = z.object({
  source: z.enum(MANUAL_CONSENT_SOURCES),
  detail: plainText().trim().max(MAX_CONSENT_DETAIL, `Notes have at most ${MAX_CONSENT_DETAIL} characters.`).optional(),
});

export const contactFieldsInput = z.object({
  name: contactNameSchema.optional(),
  phone: phoneInput.optional(),
  country: countryInput.optional(),
  email: z.union([z.literal(''), contactEmailSchema]).optional(),
  tags: tagListSchema.optional(),
  ownerUserId: z.uuid().optional(),
  teamId: z.uuid().nullable().optional(),
});
