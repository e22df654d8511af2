import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { plainText } from '../validation/text';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { emailSchema } from '../auth/validation';
import type { Actor } from '../members/member-scope';
import { ORG_ROLES, type OrgRoleName } from '../permissions/permissions';
import { findInvitationProblems } from './invitation-rules';

import { MAX_CSV_BYTES, MAX_CSV_ROWS, csvTooLargeMessage } from './csv-limits';

export { MAX_CSV_ROWS };
// The schema's bound is only a backstop (the HTTP body limit is lower); the real size check is in
// the use case, which answers it as a file problem rather than a "csv: …" field error.
export const previewInvitationCsvInput = z.object({ csv: plainText({ multiline: true }).max(2 * MAX_CSV_BYTES, csvTooLargeMessage(2 * MAX_CSV_BYTES)) });

export interface CsvInvitationRow {
  line: number;
  email: string;
  role: OrgRoleName;
  teamName: string | null;
  teamId: string | null;
  errors: string[];
}

/**
 * Parses a CSV of people to invite — header `email,role,team` (role and team optional; team by
 * name) — and checks every row without writing anything, so the console can show per-row errors.
 */
export async function previewInvitationCsv(db: Database, actor: Actor, input: z.infer<typeof previewInvitationCsvInput>, clock: Clock) {
  const bytes = Buffer.byteLength(input.csv, 'utf8');
  if (bytes > MAX_CSV_BYTES) return { rows: [], fileError: csvTooLargeMessage(bytes) };
  let records: Record<string, string>[];
  try {
    records = parse(input.csv, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true, relax_column_count: true });
  } catch (error) {
    return { rows: [], fileError: `The file is not valid CSV: ${(error as Error).message}` };
  }
  if (records.length === 0) return { rows: [], fileError: 'The file has no rows. The first line must be a header: email,role,team' };
  if (!('email' in records[0]!)) return { rows: [], fileError: 'The header must have an “email” column (and optionally “role” and “team”).' };
  if (records.length > MAX_CSV_ROWS) return { rows: [], fileError: `At most ${MAX_CSV_ROWS} people per file; this one has ${records.length}.` };

  const teams = await db.prisma.team.findMany({ where: { organizationId: actor.organizationId, archivedAt: null }, select: { id: true, name: true } });
  const teamByName = new Map(teams.map((t) => [t.name.toLowerCase(), t.id]));
  const seen = new Set<string>();
  const rows: CsvInvitationRow[] = records.map((record, i) => {
    const errors: string[] = [];
    const email = emailSchema.safeParse(record.email ?? '');
    if (!email.success) errors.push(`“${record.email ?? ''}” is not a valid email address.`);
    const roleText = (record.role || 'member').toLowerCase();
    const role = (ORG_ROLES as readonly string[]).includes(roleText) ? (roleText as OrgRoleName) : null;
    if (!role) errors.push(`Role “${record.role}” is not one of ${ORG_ROLES.join(', ')}.`);
    const teamName = record.team || null;
    const teamId = teamName ? (teamByName.get(teamName.toLowerCase()) ?? null) : null;
    if (teamName && !teamId) errors.push(`There is no team named “${teamName}”.`);
    const address = email.success ? email.data : (record.email ?? '');
    if (email.success && seen.has(address)) errors.push('This email appears earlier in the file.');
    seen.add(address);
    return { line: i + 2, email: address, role: role ?? 'member', teamName, teamId, errors };
  });
  const checkable = rows.filter((r) => r.errors.length === 0);
  const problems = await findInvitationProblems(db, actor, checkable, clock);
  for (const row of checkable) row.errors.push(...(problems.get(row.email) ?? []).map((e) => e.message));
  return { rows, fileError: null };
}
