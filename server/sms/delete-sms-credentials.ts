// Removes the organization's AWS key pair from the keychain: sending, sync and HELP replies stop
// until a new pair is saved. The channel settings stay. Audited.
import { recordAuditEvent } from '../audit/record-audit-event';
import type { CredentialStore } from '../credentials/credential-store';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';

export async function deleteSmsCredentials(services: { db: Database; credentials: CredentialStore }, actor: { organizationId: string; userId: string }) {
  const { db, credentials } = services;
  const before = await credentials.status(actor.organizationId);
  if (before.some((c) => c.source === 'environment')) {
    throw new AppError('PRECONDITION_FAILED', 'This server takes the AWS key pair from SNS_ACCESS_KEY_ID and SNS_SECRET_ACCESS_KEY; unset them there.');
  }
  const accessKey = before.find((c) => c.name === 'sns.access_key_id');
  if (!before.some((c) => c.set)) throw new AppError('NOT_FOUND', 'No AWS key pair is saved for SMS.');
  await credentials.delete('sns.access_key_id', actor.organizationId);
  await credentials.delete('sns.secret_access_key', actor.organizationId);
  await db.prisma.smsChannel.updateMany({ where: { organizationId: actor.organizationId }, data: { lastTestedAt: null, lastTestError: null } });
  await recordAuditEvent(db.prisma, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    action: 'sms.credentials_deleted',
    targetType: 'sms_channel',
    targetId: actor.organizationId,
    before: { accessKeyId: accessKey?.lastFour ?? null },
    after: { accessKeyId: null },
  });
  return { deleted: true };
}
