// Large contact files for the import test and benchmark: valid North American numbers, names,
// emails, tags and consent, with some lines repeating an earlier number (merged on import).
const AREAS = [201, 202, 212, 213, 305, 312, 404, 415, 503, 512, 602, 617, 646, 702, 713, 718, 773, 818, 917, 949];

export function contactPhone(i: number): string {
  const area = AREAS[i % AREAS.length]!;
  const exchange = 201 + (Math.floor(i / AREAS.length) % 700);
  const line = Math.floor(i / (AREAS.length * 700));
  return `+1 ${area} ${exchange} ${String(line).padStart(4, '0')}`;
}

/** A CSV of `rows` lines; every `duplicateEvery`-th line repeats the number of the line before it. */
export function contactsCsv(rows: number, options: { offset?: number; duplicateEvery?: number; tag?: string } = {}): string {
  const { offset = 0, duplicateEvery = 0, tag = 'bulk' } = options;
  const lines = ['name,phone,email,tags,consent'];
  for (let i = 0; i < rows; i++) {
    const n = duplicateEvery && i > 0 && i % duplicateEvery === 0 ? offset + i - 1 : offset + i;
    lines.push(`Person ${n},${contactPhone(n)},person${n}@example.com,"${tag}, group ${n % 7}",${n % 3 === 0 ? 'yes' : n % 3 === 1 ? 'no' : ''}`);
  }
  return lines.join('\n');
}
