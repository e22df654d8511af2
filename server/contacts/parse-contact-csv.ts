// Server-side parsing of a contacts CSV (tests, benchmark, CLI); the console does the same with
// csv-parse's browser build and the same options.
import { parse } from 'csv-parse/sync';
import { CONTACT_CSV_PARSE_OPTIONS, toImportRow, type ImportRow } from './contact-import-rows';
import { guessImportMapping, type ImportMapping } from './contact-rules';

export function parseContactCsv(text: string, mapping?: ImportMapping): { header: string[]; mapping: ImportMapping; rows: ImportRow[] } {
  const records = parse(text, CONTACT_CSV_PARSE_OPTIONS) as unknown as { record: string[]; info: { lines: number } }[];
  const header = records[0]?.record ?? [];
  const used = mapping ?? guessImportMapping(header);
  return { header, mapping: used, rows: records.slice(1).map((r) => toImportRow(r, used)) };
}
