// Phone numbers in, E.164 out (with the number's country), through libphonenumber-js's full
// metadata: a number must be valid for its country, not only the right length.
import { isSupportedCountry, parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/max';
import { textProblem } from '../validation/text';
import { visible } from './contact-rules';

export type PhoneResult = { ok: true; e164: string; country: string | null } | { ok: false; error: string };

export const MAX_PHONE_INPUT = 40;

/** ISO 3166-1 alpha-2 that libphonenumber knows ("US", "GB"), upper-cased; null otherwise. */
export function phoneCountry(code: string | null | undefined): CountryCode | null {
  const upper = code?.trim().toUpperCase();
  return upper && isSupportedCountry(upper) ? (upper as CountryCode) : null;
}

/**
 * Normalises a number typed or imported in international (+44 20 7946 0958, 0044…) or national
 * format ((415) 555-2671, read in `defaultCountry`). Letters (vanity numbers such as 1-800-FLOWERS),
 * extensions and numbers invalid for their country are refused, saying why.
 */
export function normalizePhone(raw: string, defaultCountry: string | null | undefined): PhoneResult {
  const problem = textProblem(raw);
  if (problem) return { ok: false, error: `Phone “${visible(raw)}”: ${problem}` };
  const input = raw.trim();
  if (!input) return { ok: false, error: 'Enter a phone number.' };
  if (input.length > MAX_PHONE_INPUT) return { ok: false, error: `Phone “${visible(input)}” is too long to be a phone number.` };
  if (/\p{L}/u.test(input)) return { ok: false, error: `Phone “${visible(input)}” contains letters; write the number with digits only (no extensions).` };
  if (input.lastIndexOf("+") > 0) return { ok: false, error: `Phone “${visible(input)}”: a + may only start the number.` };
  if (!/^\+?[\d\s().\-/]+$/.test(input)) return { ok: false, error: `Phone “${visible(input)}” may contain only digits, spaces, a leading + and ( ) . - /.` };
  // "00" is the international prefix almost everywhere (not in North America, where it means nothing).
  const text = input.startsWith('00') ? `+${input.slice(2)}` : input;
  const country = phoneCountry(defaultCountry);
  if (!text.startsWith('+') && !country) {
    return { ok: false, error: `Phone “${visible(input)}” has no country code: write it as +<country code><number> or choose the country of national numbers.` };
  }
  const digits = text.replace(/\D/g, '');
  if (digits.length < 4) return { ok: false, error: `Phone “${visible(input)}” is too short to be a phone number.` };
  if (digits.length > 17) return { ok: false, error: `Phone “${visible(input)}” is too long to be a phone number.` };
  try {
    const parsed = parsePhoneNumberWithError(text, country ? { defaultCountry: country } : undefined);
    if (!parsed.isValid()) {
      const where = parsed.country ?? (text.startsWith('+') ? `+${parsed.countryCallingCode}` : country);
      const length = parsed.isPossible() ? '' : digits.length < 8 ? ' (too short)' : ' (too long)';
      return { ok: false, error: `Phone “${visible(input)}” is not a valid number for ${where}${length}. Check the digits and the country code.` };
    }
    return { ok: true, e164: parsed.number, country: parsed.country ?? null };
  } catch (error) {
    const reason = error instanceof ParseError ? PARSE_ERRORS[error.message] : undefined;
    return { ok: false, error: `Phone “${visible(input)}” ${reason ?? 'is not a phone number'}.` };
  }
}

const PARSE_ERRORS: Record<string, string> = {
  INVALID_COUNTRY: 'starts with an unknown country code',
  NOT_A_NUMBER: 'is not a phone number',
  TOO_SHORT: 'is too short to be a phone number',
  TOO_LONG: 'is too long to be a phone number',
  INVALID_LENGTH: 'has the wrong number of digits',
};
