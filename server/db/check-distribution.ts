// Reads PostgreSQL's catalog and reports every table, key or function that breaks the distribution
// rules of server/db/distribution.ts: what would stop the schema from being distributed by
// organization on Citus. Each violation names the table (or function) and the constraint, and says
// what to do. Used by tests/server/distribution-rules.test.ts on a freshly migrated database.
import { CROSS_ORGANIZATION_FUNCTIONS, DISTRIBUTION_COLUMN, DISTRIBUTION_ROOT, GLOBAL_TABLES, ORGANIZATION_ARGUMENTS } from './distribution';

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface DistributionViolation {
  /** The table, or the function for function rules. */
  object: string;
  /** The constraint or index at fault, when there is one. */
  constraint: string | null;
  rule: 'unclassified' | 'stale_entry' | 'nullable_column' | 'primary_key' | 'unique' | 'foreign_key' | 'global_foreign_key' | 'function';
  message: string;
}

interface TableRow {
  oid: number;
  name: string;
  org: number | null;
  org_not_null: boolean | null;
}
interface ConstraintRow {
  rel: number;
  name: string;
  type: 'p' | 'u' | 'f';
  cols: number[];
  frel: number | null;
  fcols: number[] | null;
}
interface IndexRow {
  rel: number;
  name: string;
  cols: number[];
  has_expressions: boolean;
}
interface FunctionRow {
  name: string;
  args: string;
  arg_names: string[] | null;
  is_trigger: boolean;
  body: string;
}

type Role = 'tenant' | 'root' | 'reference' | 'coordinator';

export async function checkDistribution(query: Query, schema?: string): Promise<DistributionViolation[]> {
  const [{ nsp }] = (await query<{ nsp: string }>(`select coalesce($1::text, current_schema()) as nsp`, [schema ?? null])) as [{ nsp: string }];
  const tables = await query<TableRow>(
    `select c.oid::int as oid, c.relname as name, a.attnum::int as org, a.attnotnull as org_not_null
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_attribute a on a.attrelid = c.oid and a.attname = $2 and not a.attisdropped
      where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition
        and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
      order by c.relname`,
    [nsp, DISTRIBUTION_COLUMN],
  );
  const constraints = await query<ConstraintRow>(
    `select k.conrelid::int as rel, k.conname as name, k.contype as type, k.conkey::int[] as cols,
            nullif(k.confrelid::int, 0) as frel, k.confkey::int[] as fcols
       from pg_constraint k join pg_namespace n on n.oid = k.connamespace
      where n.nspname = $1 and k.contype in ('p', 'u', 'f') and k.conrelid <> 0
      order by k.conname`,
    [nsp],
  );
  // Unique indexes that back no constraint (CREATE UNIQUE INDEX, partial or on expressions).
  const indexes = await query<IndexRow>(
    `select i.indrelid::int as rel, ic.relname as name,
            (string_to_array(i.indkey::text, ' ')::int[])[1:i.indnkeyatts] as cols, i.indexprs is not null as has_expressions
       from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_namespace n on n.oid = ic.relnamespace
      where n.nspname = $1 and i.indisunique and not i.indisprimary
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.contype in ('p', 'u'))
      order by ic.relname`,
    [nsp],
  );
  const columns = await query<{ rel: number; num: number; name: string }>(
    `select a.attrelid::int as rel, a.attnum::int as num, a.attname as name
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`,
    [nsp],
  );
  const functions = await query<FunctionRow>(
    `select p.proname as name, pg_get_function_identity_arguments(p.oid) as args, p.proargnames as arg_names,
            p.prorettype = 'trigger'::regtype as is_trigger, p.prosrc as body
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = $1 and p.prokind = 'f'
        and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
      order by p.proname`,
    [nsp],
  );

  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const colName = new Map(columns.map((c) => [`${c.rel}:${c.num}`, c.name]));
  const names = (rel: number, cols: number[]) => cols.map((n) => (n === 0 ? '(expression)' : (colName.get(`${rel}:${n}`) ?? `#${n}`))).join(', ');
  const roleOf = (t: TableRow): Role | null => {
    if (t.name === DISTRIBUTION_ROOT.table) return 'root';
    const listed = GLOBAL_TABLES[t.name];
    if (listed) return listed.kind;
    return t.org !== null ? 'tenant' : null;
  };
  const v: DistributionViolation[] = [];
  const where = 'server/db/distribution.ts';

  for (const t of tables) {
    if (!roleOf(t)) {
      v.push({
        object: t.name,
        constraint: null,
        rule: 'unclassified',
        message: `Table "${t.name}" has no ${DISTRIBUTION_COLUMN} and is not listed in ${where}: give it ${DISTRIBUTION_COLUMN} (a tenant table, distributed with its organization) or list it in GLOBAL_TABLES as a reference or coordinator table, with the reason.`,
      });
    }
  }
  const present = new Set(tables.map((t) => t.name));
  for (const name of Object.keys(GLOBAL_TABLES)) {
    if (!present.has(name)) v.push({ object: name, constraint: null, rule: 'stale_entry', message: `${where} lists "${name}" as a global table, but the database has no such table: remove the entry.` });
  }

  for (const t of tables.filter((t) => roleOf(t) === 'tenant')) {
    const org = t.org!;
    if (!t.org_not_null) {
      v.push({ object: t.name, constraint: null, rule: 'nullable_column', message: `Tenant table "${t.name}": ${DISTRIBUTION_COLUMN} may be null. A row of no organization cannot be placed on a shard: make it NOT NULL and keep rows of no organization in a global table.` });
    }
    const own = constraints.filter((c) => c.rel === t.oid);
    const pk = own.find((c) => c.type === 'p');
    if (!pk) {
      v.push({ object: t.name, constraint: null, rule: 'primary_key', message: `Tenant table "${t.name}" has no primary key: give it one that includes ${DISTRIBUTION_COLUMN}.` });
    } else if (!pk.cols.includes(org)) {
      v.push({ object: t.name, constraint: pk.name, rule: 'primary_key', message: `Tenant table "${t.name}": primary key ${pk.name} (${names(t.oid, pk.cols)}) does not include ${DISTRIBUTION_COLUMN}. Make it (${DISTRIBUTION_COLUMN}, ${names(t.oid, pk.cols)}).` });
    }
    for (const u of own.filter((c) => c.type === 'u')) {
      if (!u.cols.includes(org)) {
        v.push({ object: t.name, constraint: u.name, rule: 'unique', message: `Tenant table "${t.name}": unique constraint ${u.name} (${names(t.oid, u.cols)}) does not include ${DISTRIBUTION_COLUMN}: uniqueness across organizations cannot be enforced on a sharded table. Make it unique per organization, or find rows by that value through a global lookup table (as api_key_lookups).` });
      }
    }
    for (const i of indexes.filter((i) => i.rel === t.oid)) {
      if (!i.cols.includes(org)) {
        v.push({ object: t.name, constraint: i.name, rule: 'unique', message: `Tenant table "${t.name}": unique index ${i.name} (${names(t.oid, i.cols)}) does not include ${DISTRIBUTION_COLUMN}: uniqueness across organizations cannot be enforced on a sharded table. Make it unique per organization, or find rows by that value through a global lookup table (as api_key_lookups).` });
      }
    }
    for (const f of own.filter((c) => c.type === 'f')) {
      const target = f.frel ? byOid.get(f.frel) : undefined;
      const targetRole = target ? roleOf(target) : null;
      const fk = `foreign key ${f.name} (${names(t.oid, f.cols)}) → ${target?.name ?? '?'}(${target ? names(target.oid, f.fcols ?? []) : '?'})`;
      if (targetRole === 'tenant') {
        const at = f.cols.indexOf(org);
        if (at < 0 || f.fcols?.[at] !== target!.org) {
          v.push({ object: t.name, constraint: f.name, rule: 'foreign_key', message: `Tenant table "${t.name}": ${fk} does not pair ${DISTRIBUTION_COLUMN} with ${target!.name}.${DISTRIBUTION_COLUMN}: rows must reference rows of their own organization (co-located on one node). Use (${DISTRIBUTION_COLUMN}, …) → ${target!.name}(${DISTRIBUTION_COLUMN}, …).` });
        }
      } else if (targetRole === 'root') {
        const rootCol = columns.find((c) => c.rel === target!.oid && c.name === DISTRIBUTION_ROOT.column)?.num;
        if (f.cols.length !== 1 || f.cols[0] !== org || f.fcols?.[0] !== rootCol) {
          v.push({ object: t.name, constraint: f.name, rule: 'foreign_key', message: `Tenant table "${t.name}": ${fk} must be (${DISTRIBUTION_COLUMN}) → ${DISTRIBUTION_ROOT.table}(${DISTRIBUTION_ROOT.column}), the distribution column: another column pointing at an organization would cross nodes.` });
        }
      } else if (targetRole === 'coordinator' || targetRole === null) {
        v.push({ object: t.name, constraint: f.name, rule: 'foreign_key', message: `Tenant table "${t.name}": ${fk} points at a coordinator table: Citus keeps no foreign key from a distributed table to one. Drop it (check in code), or make "${target?.name}" a reference table in ${where}.` });
      }
    }
  }

  for (const t of tables) {
    const role = roleOf(t);
    if (role !== 'reference' && role !== 'coordinator' && role !== 'root') continue;
    for (const f of constraints.filter((c) => c.rel === t.oid && c.type === 'f')) {
      const target = f.frel ? byOid.get(f.frel) : undefined;
      const targetRole = target ? roleOf(target) : null;
      let bad: string | null = null;
      if (targetRole === 'tenant' || (targetRole === 'root' && role !== 'root')) bad = 'a distributed table';
      else if (role === 'reference' && targetRole !== 'reference') bad = 'a non-reference table (a reference table is on every node; what it references must be too)';
      else if (role === 'root' && targetRole !== 'reference' && targetRole !== 'root') bad = 'a coordinator table';
      if (bad) {
        v.push({ object: t.name, constraint: f.name, rule: 'global_foreign_key', message: `${role === 'root' ? 'The distribution root' : `Global (${role}) table`} "${t.name}": foreign key ${f.name} (${names(t.oid, f.cols)}) → ${target?.name} points at ${bad}. Drop it and keep the rule in code, or reclassify one of the tables in ${where}.` });
      }
    }
  }

  const tenantTables = tables.filter((t) => roleOf(t) === 'tenant' || roleOf(t) === 'root').map((t) => t.name);
  const touches = (body: string) => tenantTables.filter((name) => new RegExp(`(?<![\\w"])"?${name}"?(?![\\w"])`, 'i').test(body));
  const present_fns = new Set(functions.map((f) => f.name));
  for (const fn of functions) {
    const touched = touches(fn.body);
    if (touched.length === 0 || CROSS_ORGANIZATION_FUNCTIONS[fn.name]) continue;
    const signature = `${fn.name}(${fn.args})`;
    if (fn.is_trigger) {
      if (!/\b(NEW|OLD)\.organization_id\b/i.test(fn.body)) {
        v.push({ object: signature, constraint: null, rule: 'function', message: `Trigger function ${signature} touches tenant tables (${touched.join(', ')}) without using NEW/OLD.${DISTRIBUTION_COLUMN}: a trigger acts on its own row's organization only.` });
      }
      continue;
    }
    const orgArg = (fn.arg_names ?? []).find((a) => ORGANIZATION_ARGUMENTS.includes(a));
    if (!orgArg) {
      v.push({ object: signature, constraint: null, rule: 'function', message: `Function ${signature} touches tenant tables (${touched.join(', ')}) but takes no organization (${ORGANIZATION_ARGUMENTS.join(' or ')}): a hot-path function acts on one organization per call. A sweep across organizations goes in CROSS_ORGANIZATION_FUNCTIONS in ${where}, with its reason.` });
    }
  }
  for (const name of Object.keys(CROSS_ORGANIZATION_FUNCTIONS)) {
    if (!present_fns.has(name)) v.push({ object: name, constraint: null, rule: 'stale_entry', message: `${where} lists function "${name}" in CROSS_ORGANIZATION_FUNCTIONS, but the database has no such function: remove the entry.` });
  }
  return v;
}
