// The events CSV's hot path: one line per row, quoted exactly as csv-stringify quotes by default
// (a field holding a comma, a double quote, CR or LF is wrapped in quotes with quotes doubled;
// nothing else is), so the file is byte-identical to csv-stringify's — checked against it in
// tests/exports/csv-line.test.ts. csv-stringify's per-field machinery took about five times as long
// for a million events (README, export benchmark), so the events file is formatted here; the summary
// and billing files still go through csv-stringify.
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) line += (i ? ',' : '') + csvField(fields[i]);
  return `${line}\n`;
}
