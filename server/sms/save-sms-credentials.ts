// Saves (or rotates) the organization's AWS key pair in the OS keychain through the credential
// store and records the region in sms_channels. Audited with the access key's last four only.
import type { z } from 'zod';
import { recordAuditEvent } from '../audit/record-audit-event';
import { lastFourOf, type CredentialStore } from '../credentials/credential-store';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { saveSmsCredentialsInput } from './sms-channel-schemas';

export async function saveSmsCredentials(
  services: { db: Database; credentials: CredentialStore },
  actor: { organizationId: string; userId: string },
  input: z.infer<typeof saveSmsCredentialsInput>,
) {
  const { db, credentials } = services;
  const before = await credentials.status(actor.organizationId);
  if (before.some((c) => c.source === 'environment')) {
    throw new AppError('PRECONDITION_FAILED', 'This server takes the AWS key pair from SNS_ACCESS_KEY_ID and SNS_SECRET_ACCESS_KEY; change them there.');
  }
  const previous = before.find((c) => c.name === 'sns.access_key_id');
  await credentials.set('sns.secret_access_key', input.secretAccessKey, actor.organizationId);
  const { lastFour } = await credentials.set('sns.access_key_id', input.accessKeyId, actor.organizationId);
  await db.prisma.$transaction(async (tx) => {
    await tx.smsChannel.upsert({
      where: { organizationId: actor.organizationId },
      create: { organizationId: actor.organizationId, region: input.region },
      // New keys: the last test result no longer applies.
      update: { region: input.region, lastTestedAt: null, lastTestError: null },
    });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: previous?.set ? 'sms.credentials_rotated' : 'sms.credentials_saved',
      targetType: 'sms_channel',
      targetId: actor.organizationId,
      before: { accessKeyId: previous?.lastFour ?? null },
      after: { accessKeyId: lastFour, region: input.region },
    });
  });
  return { accessKeyId: lastFourOf(input.accessKeyId), region: input.region };
}
