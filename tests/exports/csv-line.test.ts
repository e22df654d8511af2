import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../server/exports/csv-line';

describe('csvLine', () => {
  it('is byte-identical to csv-stringify’s default output, hostile fields included', () => {
    const rows = [
      ['plain', '', 'a,b', 'say "hi"', 'line\nbreak', 'cr\rhere', '{"k": "v, w"}', ' spaced ', '=SUM(A1)', 'ünïcødé', '\t tab'],
      ['2026-11-01T00:00:00.000Z', '0193a000-0000-7000-8000-000000000001', '12', '0.007500', '"', '""', ',', '\r\n'],
    ];
    for (const row of rows) expect(csvLine(row)).toBe(stringify([row]));
    expect(csvLine(['a', null, undefined, 3])).toBe(stringify([['a', '', '', '3']]));
  });
});
