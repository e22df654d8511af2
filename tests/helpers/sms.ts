// Test wiring for SMS: an SNS stand-in the app trusts (endpoint + certificate host) and an
// organization connected to it (channel settings in sms_channels, key pair in the credential store).
import type { MeterdeskApp } from '../../server/app';
import type { SmsConfig } from '../../server/sms/sms-provider-for-organization';
import { startSnsStandIn, trustStandInCertificate, type SnsStandIn, type SnsStandInOptions } from '../stand-ins/sns/server';

export async function startSmsStandIn(options: SnsStandInOptions = {}): Promise<{ standIn: SnsStandIn; sms: SmsConfig }> {
  trustStandInCertificate();
  const standIn = await startSnsStandIn({ originationNumbers: [{ phoneNumber: '+18445550100', status: 'ACTIVE', partsPerSecond: 3 }], ...options });
  return { standIn, sms: { endpoint: standIn.endpoint, certificateHosts: [standIn.certHost], retryBaseDelayMs: 1 } };
}

/** Connects an organization to the stand-in as an admin would in Settings → Channels → SMS. */
export async function connectOrganizationToStandIn(
  app: MeterdeskApp,
  organizationId: string,
  standIn: SnsStandIn,
  channel: { originationNumber?: string | null; senderId?: string | null; partsPerSecond?: number; topicArn?: string | null; helpText?: string | null } = {},
) {
  const store = app.services.connections!.store;
  await store.set('sns.access_key_id', standIn.accessKeyId, organizationId);
  await store.set('sns.secret_access_key', standIn.secretAccessKey, organizationId);
  const data = {
    region: standIn.region,
    originationNumber: channel.originationNumber === undefined ? '+18445550100' : channel.originationNumber,
    senderId: channel.senderId ?? null,
    partsPerSecond: channel.partsPerSecond ?? 3,
    topicArn: channel.topicArn === undefined ? standIn.topicArn() : channel.topicArn,
    helpText: channel.helpText ?? 'Acme: help at support@acme.test or +1 844 555 0100. Msg & data rates may apply. Reply STOP to opt out.',
  };
  await app.services.db.prisma.smsChannel.upsert({ where: { organizationId }, create: { organizationId, ...data }, update: data });
}
