// Phone numbers and tags as people type and files hold them.
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../server/contacts/contact-phone';
import { guessImportMapping, normalizeTags, parseConsentCell, splitTagCell } from '../../server/contacts/contact-rules';
import { checkImportRow, mergeRowsByPhone } from '../../server/contacts/check-import-row';
import { parseContactCsv } from '../../server/contacts/parse-contact-csv';

const ok = (raw: string, country: string | null = 'US') => {
  const result = normalizePhone(raw, country);
  if (!result.ok) throw new Error(result.error);
  return [result.e164, result.country];
};
const refused = (raw: string, country: string | null = 'US') => {
  const result = normalizePhone(raw, country);
  expect(result.ok, `${raw} should be refused`).toBe(false);
  return result.ok ? '' : result.error;
};

describe('phone normalisation', () => {
  it('reads international and national formats into E.164 with the country', () => {
    expect(ok('+1 415 555 2671')).toEqual(['+14155552671', 'US']);
    expect(ok('(415) 555-2671')).toEqual(['+14155552671', 'US']);
    expect(ok('415.555.2671')).toEqual(['+14155552671', 'US']);
    expect(ok('  4155552671  ')).toEqual(['+14155552671', 'US']);
    expect(ok('+44 20 7946 0958', 'US')).toEqual(['+442079460958', 'GB']);
    expect(ok('020 7946 0958', 'GB')).toEqual(['+442079460958', 'GB']);
    expect(ok('0044 20 7946 0958', 'US')).toEqual(['+442079460958', 'GB']);
    expect(ok('+49 30 901820', null)).toEqual(['+4930901820', 'DE']);
    expect(ok('06 12 34 56 78', 'fr')).toEqual(['+33612345678', 'FR']);
  });

  it('refuses letters, misplaced +, too short and too long, and numbers invalid for their country, saying why', () => {
    expect(refused('1-800-FLOWERS')).toMatch(/contains letters/);
    expect(refused('call me')).toMatch(/contains letters/);
    expect(refused('415 555 2671 ext 5')).toMatch(/letters/);
    expect(refused('415+5552671')).toMatch(/\+ may only start/);
    expect(refused('12')).toMatch(/too short/);
    expect(refused('+1415')).toMatch(/too short|not a valid/);
    expect(refused('+1415555267199999')).toMatch(/too long|not a valid/);
    expect(refused('123456789012345678901')).toMatch(/too long/);
    expect(refused('+1 555 555 5555')).toMatch(/not a valid number/);
    expect(refused('020 7946 0958', 'US')).toMatch(/not a valid number for US/);
    expect(refused('4155552671', null)).toMatch(/no country code/);
    expect(refused('')).toMatch(/Enter a phone number/);
    expect(refused('+1 415\u0000555 2671')).toMatch(/control characters/);
    expect(refused('#415*555')).toMatch(/only digits/);
    expect(refused('9'.repeat(200))).toMatch(/too long/);
  });
});

describe('tags and consent cells', () => {
  it('normalises tags: trimmed, lowercase, one space, no repeats, bounded', () => {
    expect(normalizeTags(['  VIP ', 'vip', 'Fair   2026', 'b2b:lead'])).toEqual({ tags: ['vip', 'fair 2026', 'b2b:lead'] });
    expect(normalizeTags(['a\u0007b'])).toMatchObject({ error: expect.stringMatching(/control characters/) });
    expect(normalizeTags(['x'.repeat(41)])).toMatchObject({ error: expect.stringMatching(/longer than 40/) });
    expect(normalizeTags(['-lead'])).toMatchObject({ error: expect.stringMatching(/start with a letter or digit/) });
    expect(normalizeTags(['=cmd|calc'])).toMatchObject({ error: expect.stringMatching(/may hold only/) });
    expect(normalizeTags(Array.from({ length: 21 }, (_, i) => `t${i}`))).toMatchObject({ error: expect.stringMatching(/at most 20 tags/) });
    expect(splitTagCell('vip; newsletter, fair 2026|x')).toEqual(['vip', 'newsletter', 'fair 2026', 'x']);
  });

  it('reads yes/no consent and says nothing for an empty cell', () => {
    expect(parseConsentCell('Yes')).toBe(true);
    expect(parseConsentCell(' opted in ')).toBe(true);
    expect(parseConsentCell('0')).toBe(false);
    expect(parseConsentCell('')).toBeNull();
    expect(parseConsentCell('maybe')).toBe('invalid');
  });

  it('guesses the columns from common headers', () => {
    expect(guessImportMapping(['Full Name', 'Mobile', 'E-mail', 'Tags', 'SMS Consent'])).toEqual({ name: 0, phone: 1, email: 2, tags: 3, consent: 4 });
    expect(guessImportMapping(['phone_number', 'name', 'labels'])).toEqual({ name: 1, phone: 0, email: null, tags: 2, consent: null });
  });
});

describe('hostile CSV rows', () => {
  it('keeps formula-looking text as text, refuses control characters and huge fields per row', () => {
    const csv = [
      'name,phone,email,tags,consent',
      '"=cmd|\' /C calc\'!A0",+14155550101,,,yes',
      `"Bell\u0007",+14155550102,,,`,
      `${'x'.repeat(5000)},+14155550103,,,`,
      '"Multi\nline",+14155550104,,,',
      '@SUM(1+1),+14155550105,not-an-email,,',
    ].join('\n');
    const { rows } = parseContactCsv(csv);
    const checked = rows.map((r) => checkImportRow(r, 'US', []));
    expect(checked[0]).toMatchObject({ ok: true, row: { name: "=cmd|' /C calc'!A0", consent: true } });
    expect(checked[1]).toMatchObject({ ok: false, errors: [expect.stringMatching(/Name .*control characters/)] });
    expect(checked[2]).toMatchObject({ ok: false, errors: [expect.stringMatching(/Name is longer than 1000/)] });
    expect(checked[3]).toMatchObject({ ok: false, errors: [expect.stringMatching(/control characters/)] });
    expect(checked[4]).toMatchObject({ ok: false, errors: [expect.stringMatching(/Email .* not a valid email/)] });
  });

  it('merges rows of one number: later values win, tags add up, consent is the last said', () => {
    const rows = parseContactCsv('name,phone,tags,consent\nAna,+14155550101,a,yes\n,(415) 555-0101,b,\nAna Silva,4155550101,,no\n').rows.map((r) => checkImportRow(r, 'US', []));
    const { merged, duplicates } = mergeRowsByPhone(rows.map((r) => (r.ok ? r.row : null)!).filter(Boolean));
    expect(duplicates).toBe(2);
    expect(merged).toEqual([expect.objectContaining({ phone: '+14155550101', name: 'Ana Silva', tags: ['a', 'b'], consent: false })]);
  });
});
