// A realistic demo dataset: three organizations (one is `acme`), 40+ people over every role, teams,
// and the platform's staff. Every demo account shares one password, printed and listed in the README.
import type { Database } from '../db/open-database';
import { hashPassword } from '../auth/passwords';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { OrgRoleName, PlatformRoleName } from '../permissions/permissions';
import type { MetricKey } from '../metering/metrics';
import { recordUsageEvents } from '../metering/record-usage-events';

export const DEMO_PASSWORD = 'meterdesk-demo-1';

interface DemoOrg {
  slug: string;
  name: string;
  plan: string;
  /** Metrics this product uses, with a typical number per event, for a month of sample usage. */
  usage: [MetricKey, number][];
  domain: string;
  teams: string[];
  /** [first name, last name, role, team index or null, team role] */
  people: [string, string, OrgRoleName, number | null, 'manager' | 'member'][];
}

const ORGS: DemoOrg[] = [
  {
    slug: 'acme',
    name: 'Acme Messaging',
    plan: 'growth',
    usage: [['sms_sent', 3], ['mms_sent', 1], ['emails_sent', 12], ['contacts_created', 2]],
    domain: 'acme.test',
    teams: ['Sales', 'Support', 'Marketing'],
    people: [
      ['Olivia', 'Owens', 'owner', null, 'member'],
      ['Adam', 'Adler', 'admin', null, 'member'],
      ['Maya', 'Patel', 'manager', 0, 'manager'],
      ['Marco', 'Rossi', 'manager', 1, 'manager'],
      ['Mina', 'Kim', 'manager', 2, 'manager'],
      ['Sam', 'Taylor', 'member', 0, 'member'],
      ['Sofia', 'Garcia', 'member', 0, 'member'],
      ['Liam', 'Nguyen', 'member', 0, 'member'],
      ['Noah', 'Schmidt', 'member', 1, 'member'],
      ['Emma', 'Dubois', 'member', 1, 'member'],
      ['Ava', 'Johnson', 'member', 1, 'member'],
      ['Lucas', 'Silva', 'member', 2, 'member'],
      ['Chloe', 'Martin', 'member', 2, 'member'],
      ['Ethan', 'Brown', 'member', null, 'member'],
      ['Grace', 'Lee', 'guest', null, 'member'],
      ['Henry', 'Wilson', 'guest', null, 'member'],
    ],
  },
  {
    slug: 'globex',
    name: 'Globex Receptionists',
    plan: 'starter',
    usage: [['calls_made', 2], ['call_seconds', 180], ['ai_queries', 4]],
    domain: 'globex.test',
    teams: ['Front desk', 'Escalations'],
    people: [
      ['Gloria', 'Hart', 'owner', null, 'member'],
      ['Victor', 'Hale', 'admin', null, 'member'],
      ['Priya', 'Shah', 'manager', 0, 'manager'],
      ['Tom', 'Becker', 'manager', 1, 'manager'],
      ['Ines', 'Moreau', 'member', 0, 'member'],
      ['Yuki', 'Tanaka', 'member', 0, 'member'],
      ['Omar', 'Haddad', 'member', 0, 'member'],
      ['Lena', 'Fischer', 'member', 1, 'member'],
      ['Diego', 'Lopez', 'member', 1, 'member'],
      ['Zoe', 'Clark', 'member', null, 'member'],
      ['Ivan', 'Petrov', 'guest', null, 'member'],
      ['Nora', 'Berg', 'guest', null, 'member'],
    ],
  },
  {
    slug: 'initech',
    name: 'Initech Chat',
    plan: 'free',
    usage: [['ai_queries', 1], ['ai_tokens', 600], ['documents', 1]],
    domain: 'initech.test',
    teams: ['Support', 'Research'],
    people: [
      ['Ian', 'Tech', 'owner', null, 'member'],
      ['Bill', 'Lumbergh', 'admin', null, 'member'],
      ['Rita', 'Singh', 'manager', 0, 'manager'],
      ['Peter', 'Gibbons', 'manager', 1, 'manager'],
      ['Michael', 'Bolton', 'member', 0, 'member'],
      ['Samir', 'Nagheenanajar', 'member', 0, 'member'],
      ['Joanna', 'Park', 'member', 1, 'member'],
      ['Milton', 'Waddams', 'member', 1, 'member'],
      ['Tara', 'Okafor', 'member', null, 'member'],
      ['Drew', 'Carey', 'guest', null, 'member'],
    ],
  },
];

const STAFF: [string, string, PlatformRoleName][] = [
  ['Sasha', 'Root', 'super_admin'],
  ['Supriya', 'Help', 'support'],
  ['Felix', 'Ledger', 'finance'],
];

export interface DemoCredential {
  email: string;
  name: string;
  role: string;
  organization: string | null;
  organizationName: string | null;
}

export function demoEmail(first: string, last: string, domain: string) {
  return `${first}.${last}@${domain}`.toLowerCase();
}

/** Creates the demo dataset in one transaction. Refuses when any of its organizations already exists. */
export async function seedDemo(db: Database, now = new Date()): Promise<{ password: string; accounts: DemoCredential[] }> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accounts: DemoCredential[] = [];
  const organizationIds = new Map<string, string>();
  await db.prisma.$transaction(
    async (tx) => {
      const existing = await tx.organization.findMany({ where: { slug: { in: ORGS.map((o) => o.slug) } }, select: { slug: true } });
      if (existing.length > 0) throw new Error(`Demo data is already loaded (organization ${existing[0]!.slug} exists).`);
      for (const [first, last, role] of STAFF) {
        const email = demoEmail(first, last, 'meterdesk.test');
        await tx.user.create({ data: { email, name: `${first} ${last}`, passwordHash, platformRole: role } });
        accounts.push({ email, name: `${first} ${last}`, role, organization: null, organizationName: null });
      }
      for (const org of ORGS) {
        const organization = await tx.organization.create({ data: { slug: org.slug, name: org.name } });
        await tx.subscription.create({ data: { organizationId: organization.id, planKey: org.plan, status: 'active' } });
        // Paid plans: a monthly subscription since some weeks, so Revenue (README, “Platform administration → Revenue”) has history to show.
        if (org.plan !== 'free') {
          const since = new Date(now.getTime() - (org.plan === 'growth' ? 90 : 40) * 86_400_000);
          await tx.subscriptionChange.create({ data: { organizationId: organization.id, effectiveAt: since, planKey: org.plan, providerStatus: 'active', billingInterval: 'month', seatQuantity: 0 } });
        }
        organizationIds.set(org.slug, organization.id);
        const teams = [];
        for (const name of org.teams) teams.push(await tx.team.create({ data: { organizationId: organization.id, name } }));
        for (const [first, last, role, teamIndex, teamRole] of org.people) {
          const email = demoEmail(first, last, org.domain);
          const user = await tx.user.create({ data: { email, name: `${first} ${last}`, passwordHash } });
          await tx.membership.create({ data: { organizationId: organization.id, userId: user.id, role } });
          if (teamIndex !== null) {
            await tx.teamMembership.create({ data: { organizationId: organization.id, teamId: teams[teamIndex]!.id, userId: user.id, role: teamRole } });
          }
          accounts.push({ email, name: `${first} ${last}`, role, organization: org.slug, organizationName: org.name });
        }
        await recordAuditEvent(tx, { organizationId: organization.id, action: 'demo.seed', targetType: 'organization', targetId: organization.id, after: { slug: org.slug } });
      }
    },
    { timeout: 60_000 },
  );
  await recordSampleUsage(db, organizationIds, now);
  return { password: DEMO_PASSWORD, accounts };
}

/**
 * Some usage so far this month for each organization, attributed to its members and their teams,
 * through the same ledger the usage API writes.
 */
async function recordSampleUsage(db: Database, organizationIds: Map<string, string>, now: Date) {
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  for (const org of ORGS) {
    const organizationId = organizationIds.get(org.slug)!;
    const members = await db.prisma.membership.findMany({
      where: { organizationId, role: { in: ['manager', 'member'] } },
      select: { userId: true, user: { select: { teamMemberships: { where: { organizationId }, select: { teamId: true } } } } },
    });
    const events = [];
    for (let i = 0; i < 240; i++) {
      const [metric, size] = org.usage[i % org.usage.length]!;
      const member = members[i % members.length]!;
      const occurredAt = new Date(monthStart + ((now.getTime() - monthStart) * (i + 1)) / 241);
      events.push({
        metric,
        quantity: size + (i % 3),
        idempotencyKey: `demo-${org.slug}-${i}`,
        occurredAt: occurredAt.toISOString(),
        user: member.userId,
        team: member.user.teamMemberships[0]?.teamId,
        resourceType: 'demo',
      });
    }
    await recordUsageEvents(db, organizationId, events, { now: () => now });
  }
}
