// One CSV row checked and normalised, or the reasons it is refused (all of them at once).
import { textProblem } from '../validation/text';
import { normalizePhone } from './contact-phone';
import type { ImportRow } from './contact-import-rows';
import { MAX_CONTACT_NAME, MAX_TAGS_PER_CONTACT, MAX_IMPORT_CELL, contactEmailSchema, normalizeTags, parseConsentCell, splitTagCell, visible } from './contact-rules';

export interface CheckedImportRow {
  line: number;
  phone: string;
  country: string | null;
  name: string | null;
  email: string | null;
  tags: string[];
  /** What the file says about SMS consent; null when it says nothing. */
  consent: boolean | null;
}

export type ImportRowCheck = { ok: true; row: CheckedImportRow } | { ok: false; line: number; errors: string[] };

export function checkImportRow(row: ImportRow, defaultCountry: string | null, tagsForAll: readonly string[]): ImportRowCheck {
  const errors: string[] = [];
  const tooLong = (label: string, value: string | undefined) => {
    if (value !== undefined && value.length > MAX_IMPORT_CELL) {
      errors.push(`${label} is longer than ${MAX_IMPORT_CELL} characters.`);
      return true;
    }
    return false;
  };
  let phone: { e164: string; country: string | null } | null = null;
  if (!tooLong('Phone', row.phone)) {
    if (!row.phone?.trim()) errors.push('Phone is empty: every contact imported needs a phone number.');
    else {
      const result = normalizePhone(row.phone, defaultCountry);
      if (result.ok) phone = result;
      else errors.push(result.error);
    }
  }
  let name: string | null = null;
  if (!tooLong('Name', row.name) && row.name !== undefined) {
    const problem = textProblem(row.name);
    const trimmed = row.name.trim();
    if (problem) errors.push(`Name “${visible(row.name)}”: ${problem}`);
    else if (trimmed.length > MAX_CONTACT_NAME) errors.push(`Name is longer than ${MAX_CONTACT_NAME} characters.`);
    else name = trimmed || null;
  }
  let email: string | null = null;
  if (!tooLong('Email', row.email) && row.email?.trim()) {
    const parsed = contactEmailSchema.safeParse(row.email);
    if (parsed.success) email = parsed.data;
    else errors.push(`Email “${visible(row.email)}” ${textProblem(row.email) ? 'contains control characters' : 'is not a valid email address'}.`);
  }
  let tags: string[] = [...tagsForAll];
  if (!tooLong('Tags', row.tags) && row.tags?.trim()) {
    const result = normalizeTags([...splitTagCell(row.tags), ...tagsForAll]);
    if ('error' in result) errors.push(result.error);
    else tags = result.tags;
  }
  let consent: boolean | null = null;
  if (!tooLong('Consent', row.consent) && row.consent !== undefined) {
    const parsed = parseConsentCell(row.consent);
    if (parsed === 'invalid') errors.push(`Consent “${visible(row.consent)}” is not yes or no (also understood: true/false, 1/0, y/n, opted in); leave it empty to say nothing.`);
    else consent = parsed;
  }
  if (errors.length > 0 || !phone) return { ok: false, line: row.line, errors };
  return { ok: true, row: { line: row.line, phone: phone.e164, country: phone.country, name, email, tags, consent } };
}

/**
 * Rows for the same number merged in file order: later values win where given, tags add up,
 * consent is the last said. Returns the merged rows (sorted by phone: every writer locks rows in
 * that order, so concurrent imports cannot deadlock) and how many lines were merged into others.
 */
export function mergeRowsByPhone(rows: readonly CheckedImportRow[]): { merged: CheckedImportRow[]; duplicates: number } {
  const byPhone = new Map<string, CheckedImportRow>();
  let duplicates = 0;
  for (const row of rows) {
    const seen = byPhone.get(row.phone);
    if (!seen) {
      byPhone.set(row.phone, { ...row, tags: [...row.tags] });
      continue;
    }
    duplicates++;
    seen.name = row.name ?? seen.name;
    seen.email = row.email ?? seen.email;
    seen.consent = row.consent ?? seen.consent;
    for (const tag of row.tags) if (!seen.tags.includes(tag) && seen.tags.length < MAX_TAGS_PER_CONTACT) seen.tags.push(tag);
  }
  const merged = [...byPhone.values()].sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0));
  return { merged, duplicates };
}
