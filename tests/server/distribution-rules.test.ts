// The schema stays distributable by organization (Citus): a freshly migrated PostgreSQL database's
// catalog is read and every table, key and SQL function is held to server/db/distribution.ts.
// A new table or function must choose: organization_id, or an explicit global entry.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDistribution, type DistributionViolation } from '../../server/db/check-distribution';
import { GLOBAL_TABLES } from '../../server/db/distribution';
import { openDatabase, type Database } from '../../server/db/open-database';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe.skipIf(!postgresAvailable)('distribution rules on PostgreSQL', () => {
  let db: Database;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ url, drop } = (await createPostgresDatabase()) as { url: string; drop: () => Promise<void> });
    db = await openDatabase({ databaseUrl: url });
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('every table is a tenant table, the root or a listed global table, and every key and function keeps the rules', async () => {
    const violations = await checkDistribution(db.query);
    // The messages name the table and the constraint: an empty list, or the list of what to fix.
    expect(violations.map((v) => v.message)).toEqual([]);
    const tenants = await db.query<{ n: string }>(
      `select count(*)::text as n from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
        where c.table_schema = current_schema() and c.column_name = 'organization_id' and t.table_type = 'BASE TABLE'`,
    );
    // The check looked at the real schema (dozens of tenant tables), not at an empty one.
    expect(Number(tenants[0]!.n)).toBeGreaterThan(40);
  });

  it('docs/scaling.md makes reference tables of exactly the reference tables listed in the code', async () => {
    const doc = await readFile(join(root, 'docs', 'scaling.md'), 'utf8');
    const documented = [...doc.matchAll(/create_reference_table\('([a-z_]+)'\)/g)].map((m) => m[1]).sort();
    const listed = Object.entries(GLOBAL_TABLES).filter(([, t]) => t.kind === 'reference').map(([name]) => name).sort();
    expect(documented).toEqual(listed);
  });

  it('finds each kind of violation, naming the table and the constraint', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let violations: DistributionViolation[];
    try {
      await client.query('begin');
      await client.query(`
        create table dr_unlisted (id uuid primary key);
        create table dr_nullable (organization_id uuid, id uuid primary key);
        create table dr_unique (organization_id uuid not null, id uuid not null, token text, code text, primary key (organization_id, id),
          constraint dr_unique_code_key unique (code));
        create unique index dr_unique_token_idx on dr_unique (lower(token));
        create table dr_foreign (organization_id uuid not null, id uuid not null, other_org uuid, team_id uuid, session_id uuid, billed_org uuid,
          primary key (organization_id, id),
          constraint dr_foreign_team_fkey foreign key (other_org, team_id) references teams (organization_id, id),
          constraint dr_foreign_session_fkey foreign key (session_id) references sessions (id),
          constraint dr_foreign_billed_fkey foreign key (billed_org) references organizations (id));
        alter table plan_quotas add column team_org uuid, add column team_id uuid,
          add constraint dr_plan_quotas_team_fkey foreign key (team_org, team_id) references teams (organization_id, id);
        create table dr_good (organization_id uuid not null references organizations (id), id uuid not null, team_id uuid, token text,
          primary key (organization_id, id), unique (organization_id, token),
          foreign key (organization_id, team_id) references teams (organization_id, id));
        create function dr_sweep(p_now timestamptz) returns bigint language sql as $$ select count(*) from usage_counters $$;
        create function dr_trigger() returns trigger language plpgsql as $$ begin delete from notifications; return null; end $$;
        create function dr_per_org(p_org uuid) returns bigint language sql as $$ select count(*) from usage_counters where organization_id = p_org $$;
      `);
      violations = await checkDistribution(<T,>(sql: string, params?: unknown[]) => client.query(sql, params).then((r) => r.rows as T[]));
    } finally {
      await client.query('rollback').catch(() => {});
      await client.end();
    }
    const found = violations.map((v) => `${v.rule} ${v.object} ${v.constraint ?? '-'}`);
    expect(found.sort()).toEqual(
      [
        'unclassified dr_unlisted -',
        'nullable_column dr_nullable -',
        'primary_key dr_nullable dr_nullable_pkey',
        'unique dr_unique dr_unique_code_key',
        'unique dr_unique dr_unique_token_idx',
        'foreign_key dr_foreign dr_foreign_team_fkey',
        'foreign_key dr_foreign dr_foreign_session_fkey',
        'foreign_key dr_foreign dr_foreign_billed_fkey',
        'global_foreign_key plan_quotas dr_plan_quotas_team_fkey',
        'function dr_sweep(p_now timestamp with time zone) -',
        'function dr_trigger() -',
      ].sort(),
    );
    // Each message says which table and which constraint, and what to do.
    const message = (constraint: string) => violations.find((v) => v.constraint === constraint)!.message;
    expect(message('dr_unique_token_idx')).toMatch(/Tenant table "dr_unique": unique index dr_unique_token_idx \(\(expression\)\) does not include organization_id/);
    expect(message('dr_foreign_team_fkey')).toMatch(/"dr_foreign": foreign key dr_foreign_team_fkey \(other_org, team_id\) → teams\(organization_id, id\) does not pair organization_id/);
    expect(message('dr_foreign_session_fkey')).toMatch(/points at a coordinator table/);
    expect(message('dr_plan_quotas_team_fkey')).toMatch(/Global \(reference\) table "plan_quotas".*points at a distributed table/);
    expect(violations.find((v) => v.rule === 'unclassified')!.message).toMatch(/Table "dr_unlisted" has no organization_id and is not listed in server\/db\/distribution\.ts/);
  });
});
