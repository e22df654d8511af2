// The benchmarks' usage organization, shared by the dashboard and export benchmarks: `members`
// people in `teams` teams (person n in team n mod teams, the first of each team its manager, person
// 1 the owner) and a month of usage events (November 2026) written with set-based SQL, then summed
// into counters and daily rollups as ingestion would have left them.
import type pg from 'pg';
import type { Database } from '../../server/db/open-database';

export interface SeedUsageOptions {
  slug: string;
  name: string;
  members: number;
  teams: number;
  events: number;
  createdAt?: Date;
  /** A monthly sms_sent budget on every team. */
  teamSmsBudget?: number;
}

export interface SeededUsage {
  organizationId: string;
  ownerId: string;
  /** The owner's team (they are also its manager). */
  ownerTeamId: string;
  seconds: number;
}

export async function seedUsageOrganization(db: Database, pool: pg.Pool, o: SeedUsageOptions): Promise<SeededUsage> {
  const started = performance.now();
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  const org = await db.prisma.organization.create({ data: { slug: o.slug, name: o.name, ...(o.createdAt ? { createdAt: o.createdAt } : {}) } });
  await db.prisma.subscription.create({ data: { organizationId: org.id, planKey: 'enterprise' } });
  const mail = `@${o.slug}.bench.test`;
  await q(`insert into teams (organization_id, id, name, updated_at) select $1, gen_random_uuid(), 'Team ' || lpad(g::text, 2, '0'), now() from generate_series(1, ${o.teams}) g`, [org.id]);
  await q(`insert into users (id, email, name, updated_at) select gen_random_uuid(), 'person' || g || $1, 'Person ' || g, now() from generate_series(1, ${o.members}) g`, [mail]);
  await q(
    `insert into memberships (organization_id, id, user_id, role, updated_at)
     select $1, gen_random_uuid(), id, case when email = 'person1' || $2 then 'owner' else 'member' end::"OrgRole", now() from users where email like '%' || $2`,
    [org.id, mail],
  );
  // Person n is in team (n mod teams); the first of each team manages it.
  await q(
    `with t as (select id, row_number() over (order by name) - 1 as k from teams where organization_id = $1),
          u as (select id, (substring(email from 'person(\\d+)@')::int) as n from users where email like '%' || $2)
     insert into team_memberships (organization_id, team_id, user_id, role)
     select $1, t.id, u.id, case when u.n <= ${o.teams} then 'manager' else 'member' end::"TeamRole" from u join t on t.k = u.n % ${o.teams}`,
    [org.id, mail],
  );
  if (o.teamSmsBudget) {
    await q(`insert into team_budgets (organization_id, team_id, metric, "limit", updated_at) select $1, id, 'sms_sent', $2, now() from teams where organization_id = $1`, [org.id, o.teamSmsBudget]);
  }
  // The month's events, in chunks (one statement each), as the ledger holds them after ingestion.
  const CHUNK = 250_000;
  for (let start = 0; start < o.events; start += CHUNK) {
    await q(
      `with p as (select array_agg(tm.user_id order by tm.user_id) as users, array_agg(tm.team_id order by tm.user_id) as teams from team_memberships tm where tm.organization_id = $1)
       insert into usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source)
       select $1, gen_random_uuid(), m.metric, 1 + (g % 3), at, at, 'bench-' || g, p.users[1 + (g::bigint * 7919) % ${o.members}], p.teams[1 + (g::bigint * 7919) % ${o.members}],
              'campaign', 'cmp-' || (g % 500), jsonb_build_object('country', (array['US', 'DE', 'IN', 'BR'])[1 + g % 4]), 5600 * (1 + g % 3), 7500 * (1 + g % 3), 'usd', 'api'
         from generate_series($2::int, $3::int) g
         cross join p
         cross join lateral (select (array['sms_sent', 'sms_sent', 'emails_sent', 'ai_queries', 'wa_messages'])[1 + g % 5] as metric,
                                    timestamptz '2026-11-01' + (g::float8 / ${o.events}) * interval '27 days 12 hours' as at) m`,
      [org.id, start + 1, Math.min(o.events, start + CHUNK)],
    );
  }
  // Counters and rollups from the ledger, grouped as ingestion moves them.
  await q(
    `insert into usage_counters (organization_id, scope, scope_id, metric, period_start, used, reserved, updated_at)
     select organization_id, scope, scope_id, metric, timestamptz '2026-11-01', sum(quantity), 0, now() from (
       select organization_id, 'organization'::"CounterScope" as scope, organization_id as scope_id, metric, quantity from usage_events where organization_id = $1
       union all select organization_id, 'team', team_id, metric, quantity from usage_events where organization_id = $1
       union all select organization_id, 'user', user_id, metric, quantity from usage_events where organization_id = $1) x
     group by organization_id, scope, scope_id, metric`,
    [org.id],
  );
  await q(
    `insert into usage_daily_rollups (organization_id, scope, scope_id, metric, day, quantity, cost_micros, price_micros)
     select organization_id, scope, scope_id, metric, day, sum(quantity), sum(cost_micros), sum(price_micros) from (
       select organization_id, 'organization'::"CounterScope" as scope, organization_id as scope_id, metric, (occurred_at at time zone 'UTC')::date as day, quantity, cost_micros, price_micros from usage_events where organization_id = $1
       union all select organization_id, 'team', team_id, metric, (occurred_at at time zone 'UTC')::date, quantity, cost_micros, price_micros from usage_events where organization_id = $1
       union all select organization_id, 'user', user_id, metric, (occurred_at at time zone 'UTC')::date, quantity, cost_micros, price_micros from usage_events where organization_id = $1) x
     group by organization_id, scope, scope_id, metric, day`,
    [org.id],
  );
  await q('vacuum analyze');
  const owner = (await q(`select u.id, tm.team_id from users u join team_memberships tm on tm.organization_id = $1 and tm.user_id = u.id where u.email = 'person1' || $2`, [org.id, mail])).rows[0] as { id: string; team_id: string };
  return { organizationId: org.id, ownerId: owner.id, ownerTeamId: owner.team_id, seconds: (performance.now() - started) / 1000 };
}
