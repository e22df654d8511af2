// Settings → Channels → SMS: the organization's settings and whether each half of the AWS key pair
// is set (with its last four characters and whether the environment supplies it). Never a secret.
import type { CredentialStore } from '../credentials/credential-store';
import type { Database } from '../db/open-database';
import type { SmsConfig } from './sms-provider-for-organization';

export async function getSmsChannel(services: { db: Database; credentials: CredentialStore; sms?: SmsConfig }, organizationId: string) {
  const [channel, status] = await Promise.all([
    services.db.prisma.smsChannel.findUnique({ where: { organizationId } }),
    services.credentials.status(organizationId),
  ]);
  const of = (name: string) => {
    const s = status.find((c) => c.name === name);
    return { set: s?.set ?? false, lastFour: s?.lastFour ?? null, source: s?.source ?? null };
  };
  const accessKeyId = of('sns.access_key_id');
  const secretAccessKey = of('sns.secret_access_key');
  return {
    keychainAvailable: services.credentials.available,
    credentials: { accessKeyId, secretAccessKey },
    connected: !!channel && accessKeyId.set && secretAccessKey.set,
    regionFromEnvironment: services.sms?.region ?? null,
    channel: channel
      ? {
          region: channel.region,
          defaultSmsType: channel.defaultSmsType as 'Transactional' | 'Promotional',
          senderId: channel.senderId,
          originationNumber: channel.originationNumber,
          partsPerSecond: channel.partsPerSecond,
          topicArn: channel.topicArn,
          helpText: channel.helpText,
          complianceFooter: channel.complianceFooter,
          quietHoursStart: channel.quietHoursStart,
          quietHoursEnd: channel.quietHoursEnd,
          inSandbox: channel.inSandbox,
          monthlySpendLimitUsd: channel.monthlySpendLimitUsd,
          lastTestedAt: channel.lastTestedAt,
          lastTestError: channel.lastTestError,
          optOutsSyncedAt: channel.optOutsSyncedAt,
        }
      : null,
  };
}
