// Two organizations with people in every role, for permission and isolation tests. Rows are
// written directly (one password hash for all) so the fixture is quick to build.
import { alertChecksIdle } from '../../server/alerts/usage-alert-hooks';
import type { MeterdeskApp } from '../../server/app';
import { createSession } from '../../server/auth/create-session';
import { hashPassword } from '../../server/auth/passwords';
import type { OrgRoleName } from '../../server/permissions/permissions';
import { MemoryCarrier } from './test-app';

export const FIXTURE_PASSWORD = 'fixture-pass-123';

export interface Person {
  userId: string;
  membershipId: string;
  email: string;
  carrier: MemoryCarrier;
}

export interface Tenant {
  organizationId: string;
  slug: string;
  people: Record<'owner' | 'admin' | 'manager' | 'member' | 'teammate' | 'outsideMember' | 'guest', Person>;
  /** The manager runs `managedTeam` (with member and teammate); `otherTeam` has outsideMember. */
  managedTeamId: string;
  otherTeamId: string;
}

export async function seedTenant(app: MeterdeskApp, slug: string): Promise<Tenant> {
  const p = app.services.db.prisma;
  const passwordHash = await hashPassword(FIXTURE_PASSWORD);
  const organization = await p.organization.create({ data: { slug, name: `${slug} Inc` } });
  const organizationId = organization.id;
  const managedTeam = await p.team.create({ data: { organizationId, name: 'Sales' } });
  const otherTeam = await p.team.create({ data: { organizationId, name: 'Support' } });
  const roles: [keyof Tenant['people'], OrgRoleName, string | null, 'manager' | 'member'][] = [
    ['owner', 'owner', null, 'member'],
    ['admin', 'admin', null, 'member'],
    ['manager', 'manager', managedTeam.id, 'manager'],
    ['member', 'member', managedTeam.id, 'member'],
    ['teammate', 'member', managedTeam.id, 'member'],
    ['outsideMember', 'member', otherTeam.id, 'member'],
    ['guest', 'guest', null, 'member'],
  ];
  const people = {} as Tenant['people'];
  for (const [key, role, teamId, teamRole] of roles) {
    people[key] = await seedPerson(app, { organizationId, slug }, key, { role, team: teamId ? { id: teamId, role: teamRole } : undefined, passwordHash });
  }
  return { organizationId, slug, people, managedTeamId: managedTeam.id, otherTeamId: otherTeam.id };
}

/** One more person in an organization, signed in (a remembered session) with FIXTURE_PASSWORD. */
export async function seedPerson(
  app: MeterdeskApp,
  tenant: { organizationId: string; slug: string },
  name: string,
  options: { role?: OrgRoleName; team?: { id: string; role: 'manager' | 'member' }; passwordHash?: string } = {},
): Promise<Person> {
  const p = app.services.db.prisma;
  const { organizationId } = tenant;
  const email = `${name}@${tenant.slug}.test`.toLowerCase();
  const user = await p.user.create({ data: { email, name: `${name} of ${tenant.slug}`, passwordHash: options.passwordHash ?? (await hashPassword(FIXTURE_PASSWORD)) } });
  const membership = await p.membership.create({ data: { organizationId, userId: user.id, role: options.role ?? 'member' } });
  if (options.team) await p.teamMembership.create({ data: { organizationId, teamId: options.team.id, userId: user.id, role: options.team.role } });
  const carrier = new MemoryCarrier();
  carrier.token = (await createSession(p, { userId: user.id, remember: true, activeOrganizationId: organizationId }, { clock: app.services.clock, policy: app.services.authPolicy })).token;
  return { userId: user.id, membershipId: membership.id, email, carrier };
}

/**
 * A fingerprint of every table's contents: equal before and after means nothing was written.
 * (sessions.last_seen_at is left out: reading with a session may refresh it.) Alert checks an
 * earlier step started run off the request's path; they settle first so they don't count as a write.
 */
export async function databaseFingerprint(app: MeterdeskApp): Promise<Record<string, string>> {
  await alertChecksIdle(app.services.db);
  const tables = await app.services.db.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = 'public' and tablename <> '_prisma_migrations' order by tablename`,
  );
  const out: Record<string, string> = {};
  for (const { tablename } of tables) {
    const sql =
      tablename === 'sessions'
        ? `select md5(coalesce(string_agg((id, token_hash, active_organization_id, expires_at, revoked_at)::text, ',' order by id), '')) as h from sessions`
        : `select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as h from "${tablename}" t`;
    out[tablename] = (await app.services.db.query<{ h: string }>(sql))[0]!.h;
  }
  return out;
}
