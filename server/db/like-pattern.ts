// Prisma's `contains`/`startsWith` become LIKE/ILIKE without escaping (prisma/prisma#19506): a search
// for "100%" or "a_b" would match far more than it says. PostgreSQL's default LIKE escape is "\".

/** The text as a literal inside a LIKE pattern: `\`, `%` and `_` escaped. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
