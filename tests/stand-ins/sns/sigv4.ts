// Checks an AWS Signature Version 4 Authorization header the way AWS does for a Query-protocol
// POST, so wrong credentials are refused like SNS refuses them: an unknown access key id is
// InvalidClientTokenId, a wrong secret SignatureDoesNotMatch (both 403).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type SigV4Check =
  | { ok: true; region: string }
  | { ok: false; code: 'MissingAuthenticationToken' | 'InvalidClientTokenId' | 'SignatureDoesNotMatch' | 'IncompleteSignature'; message: string };

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

export function checkSigV4(req: IncomingMessage, body: string, credentials: { accessKeyId: string; secretAccessKey: string }): SigV4Check {
  const auth = req.headers.authorization;
  if (!auth) return { ok: false, code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' };
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!match) return { ok: false, code: 'IncompleteSignature', message: 'Authorization header requires Credential, SignedHeaders and Signature.' };
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string, string];
  if (accessKeyId !== credentials.accessKeyId) {
    return { ok: false, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
  }
  const amzDate = headerValue(req, 'x-amz-date') ?? '';
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${(headerValue(req, name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const payloadHash = headerValue(req, 'x-amz-content-sha256') ?? sha256(body);
  const canonicalRequest = [req.method ?? 'POST', url.pathname || '/', canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = hmac(key, stringToSign).toString('hex');
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return { ok: true, region };
}

function headerValue(req: IncomingMessage, name: string) {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function encode(s: string) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
