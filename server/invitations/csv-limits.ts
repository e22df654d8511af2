// Limits of a CSV import, shared with the console so it refuses an oversized file before upload
// (the HTTP body limit is 1 MB; anything near it would fail as an unreadable transport error).
export const MAX_CSV_ROWS = 1000;
export const MAX_CSV_BYTES = 512 * 1024;
export const MAX_CSV_SIZE_TEXT = '512 KB';

/** "The file is 1.2 MB; at most 512 KB (about 1,000 people) can be imported at once. Split it." */
export function csvTooLargeMessage(bytes: number): string {
  const size = bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
  return `The file is ${size}; at most ${MAX_CSV_SIZE_TEXT} (and ${MAX_CSV_ROWS.toLocaleString('en-US')} people) can be imported at once. Split it into smaller files.`;
}
