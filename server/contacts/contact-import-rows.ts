// The rows a CSV import sends: the mapped cells of each line, as text. Shared by the console (which
// parses the file with csv-parse's browser build) and the server's tests and benchmark (csv-parse).
import { z } from 'zod';
import { MAX_IMPORT_CELL, MAX_IMPORT_CHUNK_ROWS, type ImportMapping } from './contact-rules';

/** csv-parse options for contact files: a BOM, blank lines and ragged rows are fine; cells are text as written. */
export const CONTACT_CSV_PARSE_OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, info: true } as const;

// Cells are checked row by row on the server (a bad cell fails its row, not the upload); this
// bound only keeps an upload's size in check: the console cuts longer cells to MAX_IMPORT_CELL + 1.
const cell = z.string().max(MAX_IMPORT_CELL + 1, `A cell is longer than ${MAX_IMPORT_CELL} characters.`).optional();

export const importRowInput = z.object({
  /** The row's line in the file, for error reports. */
  line: z.number().int().min(1).max(100_000_000),
  name: cell,
  phone: cell,
  email: cell,
  tags: cell,
  consent: cell,
});
export type ImportRow = z.infer<typeof importRowInput>;
export const importRowsInput = z.array(importRowInput).max(MAX_IMPORT_CHUNK_ROWS, `Send at most ${MAX_IMPORT_CHUNK_ROWS} rows at a time.`);

/** A parsed record (csv-parse with info: true) → the row to send, with only the mapped cells, cut to size. */
export function toImportRow(record: { record: string[]; info: { lines: number } }, mapping: ImportMapping): ImportRow {
  const pick = (index: number | null) => {
    if (index === null) return undefined;
    const value = record.record[index];
    return value === undefined ? undefined : value.length > MAX_IMPORT_CELL ? value.slice(0, MAX_IMPORT_CELL + 1) : value;
  };
  return { line: record.info.lines, name: pick(mapping.name), phone: pick(mapping.phone), email: pick(mapping.email), tags: pick(mapping.tags), consent: pick(mapping.consent) };
}
