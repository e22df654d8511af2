// What a webhook URL may be: http(s), no credentials in it, at most 2,048 characters, and — unless
// the organization allows private targets — not a name or address that is loopback, private or
// link-local. Checked when an endpoint is saved (for a clear message) and again at every connection.
import { z } from 'zod';
import { AppError } from '../errors';
import { plainText } from '../validation/text';
import { connectHost, resolveForbiddenReason } from './webhook-address-policy';

export const webhookUrlSchema = plainText()
  .trim()
  .min(1, 'Enter the URL that receives the events.')
  .max(2048, 'The URL is too long (at most 2,048 characters).')
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Enter a full URL such as https://example.com/meterdesk/webhooks.' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: `Webhook URLs must start with https:// or http://, not ${url.protocol}` });
    else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'Remove the user name and password from the URL; verify deliveries with the signing secret instead.' });
    else if (url.hash) ctx.addIssue({ code: 'custom', message: 'Remove the #fragment from the URL: it is never sent to the server.' });
  });

/** Refuses (BAD_REQUEST on `url`) a target the organization may not reach. */
export async function assertWebhookTargetAllowed(rawUrl: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = connectHost(new URL(rawUrl));
  if (host === 'localhost' || host.endsWith('.localhost')) {
    throw new AppError('BAD_REQUEST', `Deliveries cannot go to ${host} (loopback). An admin can allow private targets in the webhook settings, for testing.`, { field: 'url' });
  }
  let reason: string | null;
  try {
    reason = await resolveForbiddenReason(host);
  } catch {
    throw new AppError('BAD_REQUEST', `${host} could not be resolved: check the host name.`, { field: 'url' });
  }
  if (reason) throw new AppError('BAD_REQUEST', `Deliveries cannot go there: ${reason}. An admin can allow private targets in the webhook settings, for testing.`, { field: 'url' });
}
