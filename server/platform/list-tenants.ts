import { z } from 'zod';
import type { Database } from '../db/open-database';
import { plainText } from '../validation/text';

export const listTenantsInput = z.object({
  /** Part of the name or slug. */
  search: plainText().trim().max(100).optional(),
  /** The slug the previous page ended with. */
  after: plainText().max(100).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

/** Tenants for the platform's staff, by slug, with plan and status: for finding one to look after. */
export async function listTenants(db: Database, input: z.output<typeof listTenantsInput>) {
  const rows = await db.query<{ id: string; slug: string; name: string; plan_key: string; status: string; suspended: boolean; members: string }>(
    `select o.id, o.slug, o.name, coalesce(s.plan_key, 'free') as plan_key, coalesce(s.status::text, 'active') as status, o.suspended_at is not null as suspended,
            (select count(*) from memberships m where m.organization_id = o.id and m.status = 'active') as members
       from organizations o left join subscriptions s on s.organization_id = o.id
      where ($1::text is null or o.name ilike '%' || $1 || '%' or o.slug ilike '%' || $1 || '%')
        and ($2::text is null or o.slug > $2)
      order by o.slug
      limit $3`,
    [input.search ? input.search.replace(/[\\%_]/g, (c) => `\\${c}`) : null, input.after ?? null, input.limit + 1],
  );
  const page = rows.slice(0, input.limit);
  return {
    tenants: page.map((r) => ({ id: r.id, slug: r.slug, name: r.name, planKey: r.plan_key, status: r.status, suspended: r.suspended, members: Number(r.members) })),
    nextAfter: rows.length > input.limit ? page[page.length - 1]!.slug : null,
  };
}
