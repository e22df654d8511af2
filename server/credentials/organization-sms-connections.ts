// Settings → Connections, for super admins: every organization's SNS key pair (kept per organization
// in the keychain, accounts `connection:sns.*:<organizationId>`), with Test connection
// (GetSMSAttributes) and delete. Saving or rotating a pair stays on the organization's own
// Settings → Channels → SMS, beside its region and sender. Only set/not set and last four leave.
import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { AppError } from '../errors';
import { deleteSmsCredentials } from '../sms/delete-sms-credentials';
import { testSmsConnection } from '../sms/test-sms-connection';

type Services = Pick<AppServices, 'db' | 'connections' | 'clock' | 'sms'>;

export const organizationConnectionInput = z.strictObject({ organizationId: z.uuid('Choose an organization.') });
const LIST_LIMIT = 500;

function storeOf(services: Services) {
  if (!services.connections) throw new AppError('PRECONDITION_FAILED', 'Connections are not available in this process.');
  return services.connections.store;
}

/** Organizations with an SMS channel, each with its key pair's status (never the keys). */
export async function listOrganizationSmsConnections(services: Services) {
  const store = storeOf(services);
  const channels = await services.db.prisma.smsChannel.findMany({
    select: { organizationId: true, region: true, lastTestedAt: true, lastTestError: true },
    orderBy: { organizationId: 'asc' },
    take: LIST_LIMIT,
  });
  const organizations = await services.db.prisma.organization.findMany({ where: { id: { in: channels.map((c) => c.organizationId) } }, select: { id: true, name: true } });
  const names = new Map(organizations.map((o) => [o.id, o.name]));
  const rows = await Promise.all(
    channels.map(async (c) => {
      const status = await store.status(c.organizationId);
      const accessKey = status.find((s) => s.name === 'sns.access_key_id');
      const secret = status.find((s) => s.name === 'sns.secret_access_key');
      return {
        organizationId: c.organizationId,
        organizationName: names.get(c.organizationId) ?? '(deleted organization)',
        region: c.region,
        accessKeyId: { set: !!accessKey?.set, lastFour: accessKey?.lastFour ?? null },
        secretAccessKey: { set: !!secret?.set, lastFour: secret?.lastFour ?? null },
        source: accessKey?.source ?? secret?.source ?? null,
        lastTestedAt: c.lastTestedAt,
        lastTestError: c.lastTestError,
      };
    }),
  );
  return rows.sort((a, b) => a.organizationName.localeCompare(b.organizationName));
}

async function requireChannel(services: Services, organizationId: string) {
  const channel = await services.db.prisma.smsChannel.findUnique({ where: { organizationId }, select: { organizationId: true } });
  if (!channel) throw new AppError('NOT_FOUND', 'That organization has no SMS channel.');
}

/** GetSMSAttributes (and the sandbox status) with that organization's saved pair. */
export async function testOrganizationSmsConnection(services: Services, input: z.infer<typeof organizationConnectionInput>) {
  await requireChannel(services, input.organizationId);
  return testSmsConnection({ db: services.db, clock: services.clock, credentials: storeOf(services), sms: services.sms }, input.organizationId);
}

/** Removes that organization's pair from the keychain (audited in the organization, by the super admin). */
export async function deleteOrganizationSmsConnection(services: Services, actorUserId: string, input: z.infer<typeof organizationConnectionInput>) {
  await requireChannel(services, input.organizationId);
  return deleteSmsCredentials({ db: services.db, credentials: storeOf(services) }, { organizationId: input.organizationId, userId: actorUserId });
}
