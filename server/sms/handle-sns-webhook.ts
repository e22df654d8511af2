// POST /webhooks/sns: one SNS HTTP(S) delivery. The signature is verified first (sns-validator,
// certificate hosts from configuration), then the topic must be an organization's configured
// topic; only then is anything read or written. Forged, unsigned or unknown-topic deliveries are
// refused and change nothing. A failure while applying answers 500 so SNS delivers again
// (handling is idempotent on the message ids).
import type { Clock } from '../clock';
import type { CredentialStore } from '../credentials/credential-store';
import type { Database } from '../db/open-database';
import { logUnexpectedError, unexpectedErrorMessage } from '../logging/log-error';
import { applyDeliveryEvent } from './apply-delivery-event';
import { handleInboundSms } from './handle-inbound-sms';
import { SmsNotificationRejected } from './sms-provider';
import { findSmsProviderForOrganization, type SmsConfig } from './sms-provider-for-organization';
import { defaultCertificateHosts, parseSnsNotification } from './sns/sns-notifications';

export interface SnsWebhookDeps {
  db: Database;
  clock: Clock;
  credentials: CredentialStore;
  sms?: SmsConfig;
}

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Configured hosts (tests: the stand-in's), else sns.<region>.amazonaws.com for every region an organization uses. */
async function certificateHosts(deps: SnsWebhookDeps) {
  if (deps.sms?.certificateHosts) return deps.sms.certificateHosts;
  const regions = (await deps.db.query<{ region: string }>('select distinct region from sms_channels')).map((r) => r.region);
  if (deps.sms?.region) regions.push(deps.sms.region);
  return [...new Set(regions.filter((r) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(r)).flatMap(defaultCertificateHosts))];
}

const refuse = (status: number, code: string, message: string): WebhookAnswer => ({ status, body: { received: false, error: { code, message } } });

export async function handleSnsWebhook(deps: SnsWebhookDeps, rawBody: string): Promise<WebhookAnswer> {
  let notification;
  try {
    notification = await parseSnsNotification(rawBody, { certificateHosts: await certificateHosts(deps) });
  } catch (error) {
    if (error instanceof SmsNotificationRejected) return refuse(error.status, error.status === 400 ? 'malformed' : 'signature_invalid', error.message);
    throw error;
  }
  const channels = await deps.db.query<{ organization_id: string }>('select organization_id from sms_channels where topic_arn = $1', [notification.topicArn]);
  if (channels.length !== 1) return refuse(403, 'unknown_topic', 'The topic is not the SMS topic of any organization here.');
  const organizationId = channels[0]!.organization_id;
  const provider = () => findSmsProviderForOrganization(deps.db, deps.credentials, organizationId, deps.sms);

  try {
    switch (notification.kind) {
      case 'subscription_confirmation':
        await notification.confirm();
        return { status: 200, body: { received: true, confirmed: true } };
      case 'inbound': {
        const outcome = await handleInboundSms({ db: deps.db, clock: deps.clock, provider }, organizationId, notification.message);
        return { status: 200, body: { received: true, ...outcome } };
      }
      case 'delivery': {
        const outcome = await applyDeliveryEvent(deps.db, organizationId, notification.event, deps.clock.now());
        return { status: 200, body: { received: true, outcome } };
      }
      case 'ignored':
        return { status: 200, body: { received: true, ignored: notification.reason } };
    }
  } catch (error) {
    const correlationId = logUnexpectedError('sns webhook', error);
    return { status: 500, body: { received: false, error: { code: 'internal_error', message: unexpectedErrorMessage(correlationId), correlationId } } };
  }
}
