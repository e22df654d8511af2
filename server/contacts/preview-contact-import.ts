import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { tagListSchema } from './contact-rules';
import { countryInput } from './contact-input';
import { importRowInput } from './contact-import-rows';
import { checkImportRow } from './check-import-row';
import { contactManageScope, inScope } from './contact-scope';
import { defaultPhoneCountry } from './create-contact';

export const MAX_PREVIEW_ROWS = 50;
export const previewContactImportInput = z.object({
  defaultCountry: countryInput.optional(),
  tagsForAll: tagListSchema.default([]),
  rows: z.array(importRowInput).max(MAX_PREVIEW_ROWS),
});

/**
 * The first rows of a file as they would be imported (normalised phone, tags, consent) or the
 * reasons each would be refused, and whether it creates a contact or updates one. Writes nothing.
 */
export async function previewContactImport(db: Database, actor: Actor, input: z.output<typeof previewContactImportInput>) {
  const country = await defaultPhoneCountry(db, actor.organizationId, input.defaultCountry);
  const checked = input.rows.map((row) => checkImportRow(row, country, input.tagsForAll));
  const phones = checked.flatMap((c) => (c.ok ? [c.row.phone] : []));
  const [existing, listed, scope] = await Promise.all([
    db.prisma.contact.findMany({ where: { organizationId: actor.organizationId, phone: { in: phones } }, select: { phone: true, ownerUserId: true, teamId: true, optOutSms: true } }),
    db.prisma.smsOptOut.findMany({ where: { organizationId: actor.organizationId, phone: { in: phones } }, select: { phone: true } }),
    contactManageScope(db, actor),
  ]);
  const existingByPhone = new Map(existing.map((c) => [c.phone!, c]));
  const listedPhones = new Set(listed.map((l) => l.phone));
  const firstLineOf = new Map<string, number>();
  return {
    defaultCountry: country,
    rows: checked.map((c) => {
      if (!c.ok) return { line: c.line, action: 'error' as const, mergesInto: null, errors: c.errors, row: null, optedOut: false };
      const holder = existingByPhone.get(c.row.phone);
      if (holder && !inScope(scope, holder)) {
        return { line: c.row.line, action: 'error' as const, mergesInto: null, errors: ['A contact with this number exists and is not yours to change.'], row: c.row, optedOut: false };
      }
      const earlier = firstLineOf.get(c.row.phone);
      if (earlier === undefined) firstLineOf.set(c.row.phone, c.row.line);
      return {
        line: c.row.line,
        action: earlier !== undefined ? ('merge' as const) : holder ? ('update' as const) : ('create' as const),
        /** The earlier line of the same number this one merges into. */
        mergesInto: earlier ?? null,
        errors: [],
        row: c.row,
        optedOut: listedPhones.has(c.row.phone) || !!holder?.optOutSms,
      };
    }),
  };
}
