// Builds an organization's SmsProvider: its settings from sms_channels (region), its AWS key pair
// from the credential store (keychain account connection:sns.*:<organization id>; in server mode
// SNS_ACCESS_KEY_ID / SNS_SECRET_ACCESS_KEY / SNS_REGION win). The campaigns engine, the opt-out
// sync and the webhook all get their provider here.
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { lastFourOf, parseSecret, type CredentialStore } from '../credentials/credential-store';
import { SnsProvider } from './sns/sns-provider';
import { defaultCertificateHosts } from './sns/sns-notifications';

/** Process-wide SMS settings (not per organization): where SNS is, and whose certificates sign notifications. */
export interface SmsConfig {
  /** SNS_ENDPOINT: the stand-in in tests; AWS's regional endpoint when undefined. */
  endpoint?: string;
  /** Hosts a notification's SigningCertURL may use; sns.<region>.amazonaws.com when undefined. Tests pass the stand-in's certHost. */
  certificateHosts?: string[];
  requestTimeoutMs?: number;
  retryBaseDelayMs?: number;
  /** SNS_REGION in server mode: wins over the region saved in the channel. */
  region?: string;
}

export function smsConfigFromEnvironment(env: NodeJS.ProcessEnv): SmsConfig {
  return {
    ...(env.SNS_ENDPOINT?.trim() ? { endpoint: env.SNS_ENDPOINT.trim() } : {}),
    ...(env.SNS_REGION?.trim() ? { region: env.SNS_REGION.trim() } : {}),
  };
}

export function certificateHostsFor(config: SmsConfig, region: string) {
  return config.certificateHosts ?? defaultCertificateHosts(region);
}

/** The stored key pair, validated; null when either half is missing. Never returned past the main process. */
export async function smsCredentials(credentials: CredentialStore, organizationId: string) {
  const [accessKeyId, secretAccessKey] = await Promise.all([credentials.get('sns.access_key_id', organizationId), credentials.get('sns.secret_access_key', organizationId)]);
  if (!accessKeyId || !secretAccessKey) return null;
  try {
    return { accessKeyId: parseSecret('sns.access_key_id', accessKeyId), secretAccessKey: parseSecret('sns.secret_access_key', secretAccessKey) };
  } catch (error) {
    throw new AppError('PRECONDITION_FAILED', `The stored AWS key pair (access key ${lastFourOf(accessKeyId)}) is malformed: ${(error as Error).message} Save it again in Settings → Channels → SMS.`);
  }
}

/** The organization's provider, or null when SMS is not connected (no channel settings or no key pair). */
export async function findSmsProviderForOrganization(db: Database, credentials: CredentialStore, organizationId: string, config: SmsConfig = {}): Promise<SnsProvider | null> {
  const channel = await db.prisma.smsChannel.findUnique({ where: { organizationId }, select: { region: true } });
  if (!channel) return null;
  const keys = await smsCredentials(credentials, organizationId);
  if (!keys) return null;
  const region = config.region ?? channel.region;
  return new SnsProvider({
    ...keys,
    region,
    endpoint: config.endpoint,
    certificateHosts: certificateHostsFor(config, region),
    requestTimeoutMs: config.requestTimeoutMs,
    retryBaseDelayMs: config.retryBaseDelayMs,
  });
}

/** As above, but a clear error when SMS is not connected. */
export async function smsProviderForOrganization(db: Database, credentials: CredentialStore, organizationId: string, config: SmsConfig = {}): Promise<SnsProvider> {
  const provider = await findSmsProviderForOrganization(db, credentials, organizationId, config);
  if (!provider) throw new AppError('PRECONDITION_FAILED', 'SMS is not connected: an admin saves the AWS access key and region in Settings → Channels → SMS first.');
  return provider;
}

/** The same from the app's services (the credential store and SMS config the app was created with). */
export function smsProviderFor(services: { db: Database; connections?: { store: CredentialStore }; sms?: SmsConfig }, organizationId: string) {
  if (!services.connections) throw new AppError('PRECONDITION_FAILED', 'Connections are not available in this process.');
  return smsProviderForOrganization(services.db, services.connections.store, organizationId, services.sms);
}
