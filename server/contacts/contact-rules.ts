// Rules of a contact's fields that the console's forms and the server share: tags, consent sources,
// sizes, and the CSV import's limits and column guesses. Pure: no database, no phone metadata.
import { z } from 'zod';
import { plainText, textProblem } from '../validation/text';

export const MAX_CONTACT_NAME = 200;
export const MAX_EMAIL = 254;
export const MAX_TAGS_PER_CONTACT = 20;
export const MAX_TAG_LENGTH = 40;
/** Free text beside a consent change ("signed up at the fair"), or the import's file name. */
export const MAX_CONSENT_DETAIL = 200;

/** Where SMS consent came from (contacts.consent_source, contact_consent_events.source). */
export const CONSENT_SOURCES = ['manual', 'web_form', 'paper_form', 'verbal', 'import', 'keyword', 'api', 'provider_sync', 'revocation_review'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
/** The sources a person may pick when recording consent by hand in the console. */
export const MANUAL_CONSENT_SOURCES = ['manual', 'web_form', 'paper_form', 'verbal'] as const satisfies readonly ConsentSource[];
export const CONSENT_SOURCE_LABELS: Record<ConsentSource, string> = {
  manual: 'Recorded by a person',
  web_form: 'Web form',
  paper_form: 'Paper form',
  verbal: 'Verbal (recorded by a person)',
  import: 'CSV import',
  keyword: 'Keyword reply (START)',
  api: 'API',
  provider_sync: 'Provider opt-out list',
  revocation_review: 'Reviewed reply',
};

/** phone_changed: the contact's number changed, so consent starts over (written for the old and the new number). */
export const CONSENT_CHANGES = ['consent_granted', 'consent_revoked', 'opted_out', 'opted_in', 'phone_changed'] as const;
export type ConsentChange = (typeof CONSENT_CHANGES)[number];

// Tags: lowercase so "VIP" and "vip" are one audience; letters, digits and a few separators, so a
// tag list survives a CSV cell (comma/semicolon/pipe separate tags there).
const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _\-.:/&+#]*$/u;

/** The normalised tag, or the reason it is refused. */
export function normalizeTag(raw: string): { tag: string } | { error: string } {
  const problem = textProblem(raw);
  if (problem) return { error: `Tag “${visible(raw)}”: ${problem}` };
  const tag = raw.trim().replace(/\s+/g, ' ').toLowerCase();
  if (!tag) return { error: 'Tags cannot be empty.' };
  if (tag.length > MAX_TAG_LENGTH) return { error: `Tag “${visible(tag)}” is longer than ${MAX_TAG_LENGTH} characters.` };
  if (!TAG_PATTERN.test(tag)) return { error: `Tag “${visible(tag)}” may hold only letters, digits, spaces and _ - . : / & + # (and must start with a letter or digit).` };
  return { tag };
}

/** A list of tags normalised, without repeats, at most MAX_TAGS_PER_CONTACT. */
export function normalizeTags(raw: readonly string[]): { tags: string[] } | { error: string } {
  const tags: string[] = [];
  for (const item of raw) {
    const result = normalizeTag(item);
    if ('error' in result) return result;
    if (!tags.includes(result.tag)) tags.push(result.tag);
  }
  if (tags.length > MAX_TAGS_PER_CONTACT) return { error: `A contact has at most ${MAX_TAGS_PER_CONTACT} tags (${tags.length} given).` };
  return { tags };
}

/** Splits a CSV cell of tags: "vip; newsletter, fair 2026" → ["vip", "newsletter", "fair 2026"]. */
export function splitTagCell(cell: string): string[] {
  return cell
    .split(/[,;|]/)
    .map((t) => t.trim())
    .filter(Boolean);
}

export const tagSchema = plainText().transform((value, ctx) => {
  const result = normalizeTag(value);
  if ('error' in result) {
    ctx.addIssue({ code: 'custom', message: result.error });
    return z.NEVER;
  }
  return result.tag;
});

export const tagListSchema = z
  .array(plainText().max(200))
  .max(100)
  .transform((value, ctx) => {
    const result = normalizeTags(value);
    if ('error' in result) {
      ctx.addIssue({ code: 'custom', message: result.error });
      return z.NEVER;
    }
    return result.tags;
  });

export const contactNameSchema = plainText().trim().max(MAX_CONTACT_NAME, `Names have at most ${MAX_CONTACT_NAME} characters.`);

export const contactEmailSchema = plainText()
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter a valid email address, like name@company.com.').max(MAX_EMAIL, `Email addresses have at most ${MAX_EMAIL} characters.`));

/** How a CSV cell says yes or no to consent; anything else (empty included) says nothing. */
export function parseConsentCell(cell: string): boolean | null | 'invalid' {
  const value = cell.trim().toLowerCase();
  if (!value) return null;
  if (['yes', 'y', 'true', '1', 'opted in', 'opt-in', 'optin', 'granted', 'consent', 'subscribed'].includes(value)) return true;
  if (['no', 'n', 'false', '0', 'revoked', 'unsubscribed', 'none'].includes(value)) return false;
  return 'invalid';
}

// ---------------------------------------------------------------------------------------------
// CSV import

export const MAX_IMPORT_ROWS = 100_000;
export const MAX_IMPORT_FILE_BYTES = 50 * 1024 * 1024;
/** Rows per upload; the console also keeps each upload under MAX_IMPORT_CHUNK_BYTES (HTTP body limit 1 MB). */
export const MAX_IMPORT_CHUNK_ROWS = 2_000;
export const MAX_IMPORT_CHUNK_BYTES = 600 * 1024;
/** Uploads the console keeps in flight: one is checked on the server while the other is written. */
export const IMPORT_UPLOADS_IN_FLIGHT = 2;
/** Longest cell the server reads; the console cuts longer ones to one more character so the server still refuses them by name. */
export const MAX_IMPORT_CELL = 1_000;
export const MAX_IMPORT_FILE_NAME = 200;

export const IMPORT_FIELDS = ['name', 'phone', 'email', 'tags', 'consent'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const IMPORT_FIELD_LABELS: Record<ImportField, string> = {
  name: 'Name',
  phone: 'Phone',
  email: 'Email',
  tags: 'Tags',
  consent: 'SMS consent',
};
/** Field → the column index holding it in the file, or null when the file has none. */
export type ImportMapping = Record<ImportField, number | null>;

const HEADER_GUESSES: Record<ImportField, RegExp> = {
  name: /^(full[ _-]?name|name|contact([ _-]?name)?|first[ _-]?name|customer)$/,
  phone: /^(phone([ _-]?number)?|mobile([ _-]?(phone|number))?|cell([ _-]?phone)?|tel(ephone)?|msisdn|number|sms)$/,
  email: /^(e-?mail([ _-]?address)?)$/,
  tags: /^(tags?|labels?|groups?|segments?|lists?)$/,
  consent: /^((sms[ _-]?)?consent([ _-]?sms)?|opt[ _-]?in|sms[ _-]?opt[ _-]?in|subscribed|marketing[ _-]?consent)$/,
};

/** Guesses which column holds which field from the header row (case and spacing ignored). */
export function guessImportMapping(header: readonly string[]): ImportMapping {
  const mapping: ImportMapping = { name: null, phone: null, email: null, tags: null, consent: null };
  const normalized = header.map((h) => h.trim().toLowerCase().replace(/\s+/g, ' '));
  for (const field of IMPORT_FIELDS) {
    const index = normalized.findIndex((h, i) => HEADER_GUESSES[field].test(h) && !Object.values(mapping).includes(i));
    if (index >= 0) mapping[field] = index;
  }
  return mapping;
}

/** Text shown back in a message: control characters made visible, long values cut. */
export function visible(value: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const shown = value.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}
