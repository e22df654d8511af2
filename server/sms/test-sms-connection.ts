// "Test connection": a real call with the saved key pair (SMS attributes and sandbox status),
// remembered on the channel so the card shows the sandbox state and monthly spend limit.
import type { Clock } from '../clock';
import type { CredentialStore } from '../credentials/credential-store';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { SmsAccountStatus } from './sms-provider';
import { smsProviderForOrganization, type SmsConfig } from './sms-provider-for-organization';

export async function testSmsConnection(
  services: { db: Database; clock: Clock; credentials: CredentialStore; sms?: SmsConfig },
  organizationId: string,
): Promise<{ ok: true; status: SmsAccountStatus; message: string } | { ok: false; message: string }> {
  const provider = await smsProviderForOrganization(services.db, services.credentials, organizationId, services.sms);
  try {
    const status = await provider.connect();
    await services.db.prisma.smsChannel.update({
      where: { organizationId },
      data: { inSandbox: status.inSandbox, monthlySpendLimitUsd: status.monthlySpendLimitUsd, lastTestedAt: services.clock.now(), lastTestError: null },
    });
    const sandbox = status.inSandbox ? 'in the SMS sandbox (only verified numbers receive messages)' : 'out of the SMS sandbox';
    const limit = status.monthlySpendLimitUsd === null ? 'no monthly spend limit reported' : `monthly spend limit ${status.monthlySpendLimitUsd} USD`;
    return { ok: true, status, message: `SNS accepted the key pair in ${status.region}: the account is ${sandbox}, ${limit}.` };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await services.db.prisma.smsChannel.update({ where: { organizationId }, data: { lastTestedAt: services.clock.now(), lastTestError: error.message.slice(0, 500) } });
    return { ok: false, message: error.message };
  } finally {
    provider.destroy();
  }
}
