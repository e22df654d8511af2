// One HTTP POST of a signed delivery, with the SSRF guard at connect time, an overall timeout, and
// at most `maxResponseBytes` of the answer read (a huge or endless body cannot hold the worker).
// Redirects are not followed: a 3xx counts as a failure, so a redirect cannot lead to a forbidden host.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { connectHost, forbiddenAddressReason, guardedLookup } from './webhook-address-policy';

export interface PostOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  allowPrivateTargets: boolean;
}

export interface PostResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** What went wrong, in words for the delivery log; null on success. */
  error: string | null;
  /** The start of the response body (control characters removed), at most 1,000 characters. */
  excerpt: string | null;
}

export const EXCERPT_CHARS = 1000;

export function postWebhook(rawUrl: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(rawUrl);
  const host = connectHost(url);
  if (!options.allowPrivateTargets && isIP(host)) {
    const reason = forbiddenAddressReason(host);
    if (reason) return Promise.resolve({ ok: false, statusCode: null, latencyMs: 0, error: `Refused by SSRF protection: ${reason}.`, excerpt: null });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    const payload = Buffer.from(body, 'utf8');
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: false, // a fresh connection each time: no pooled socket skips the address check
      lookup: options.allowPrivateTargets ? undefined : guardedLookup(),
      headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(payload.length), 'User-Agent': 'Meterdesk-Webhooks/1.0' },
    });
    const timer = setTimeout(() => {
      finish({ ok: false, statusCode: null, error: `Timed out: no complete answer within ${Math.round(options.timeoutMs / 100) / 10} s.`, excerpt: null });
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'EFORBIDDENTARGET'
          ? `Refused by SSRF protection: ${error.message}.`
          : error.code === 'ECONNREFUSED'
            ? 'Connection refused by the receiver.'
            : error.code === 'ENOTFOUND'
              ? `${host} could not be resolved.`
              : `Could not deliver: ${error.message.split('\n')[0]}`;
      finish({ ok: false, statusCode: null, error: message, excerpt: null });
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = () => {
        const status = response.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8').replace(/[^\P{Cc}\n\t]/gu, '').replace(/\uFFFD+$/, '');
        const excerpt = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text + (truncated ? '…' : '');
        const ok = status >= 200 && status < 300;
        finish({ ok, statusCode: status, error: ok ? null : status >= 300 && status < 400 ? `Answered ${status} (redirects are not followed; register the final URL).` : `Answered ${status}; only 2xx counts as delivered.`, excerpt: excerpt || null });
      };
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        chunks.push(chunk);
        if (size >= options.maxResponseBytes) {
          // Enough: stop reading and drop the connection.
          truncated = true;
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', () => done());
    });
    request.end(payload);
  });
}
