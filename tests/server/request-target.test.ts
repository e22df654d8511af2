import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MeterdeskApp } from '../../server/app';
import { createHttpServer, LAUNCH_TOKEN_HEADER } from '../../server/http/create-http-server';
import { parseRequestTarget } from '../../server/http/request-target';
import { memoryKeychain, rowCounts } from '../helpers/test-app';

// Request targets are sent over raw sockets: fetch() and http.request() normalise or reject the
// very targets an attacker would write by hand.
interface RawResponse {
  status: number;
  body: string;
}

function rawRequest(port: number, request: { method?: string; target: string; host?: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  const headers = { host: request.host ?? `127.0.0.1:${port}`, connection: 'close', ...request.headers, ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}) };
  const head = [`${request.method ?? 'GET'} ${request.target} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Written, not ended: a half-closed socket may be dropped before a streamed answer. The server
    // closes the connection after answering (Connection: close).
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${head}\r\n\r\n${request.body ?? ''}`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('request targets are decided on the parsed, normalised path', () => {
  let app: MeterdeskApp;
  let server: FastifyInstance;
  let port: number;
  let dataDir: string;
  const token = 'launch-token-for-target-tests-0123456789';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-target-'));
    const rendererDir = join(dataDir, 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Meterdesk</title>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("console")');
    app = await createApp({ dataDir, databaseUrl: null, keychain: memoryKeychain() });
    ({ server, port } = await createHttpServer({ app, port: 0, launchToken: token, rendererDir }));
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // One representative path per route family, and what it answers in canonical origin form without a token.
  const families = [
    { name: 'tRPC', method: 'GET', path: '/trpc/auth.me', status: 401 },
    { name: 'health API', method: 'GET', path: '/api/health', status: 200 },
    { name: 'usage API', method: 'GET', path: '/v1/openapi.json', status: 200 },
    { name: 'Stripe webhooks (no Stripe configured here)', method: 'POST', path: '/webhooks/stripe', status: 503 },
    { name: 'static file', method: 'GET', path: '/assets/app.js', status: 200 },
    { name: 'console root', method: 'GET', path: '/', status: 200 },
  ] as const;

  it.each(families)('$name answers its canonical origin-form path', async ({ method, path, status }) => {
    expect((await rawRequest(port, { method, target: path })).status).toBe(status);
  });

  // Every way of writing a path that a router, a file system or a proxy might read differently.
  const variants: [string, (path: string) => string][] = [
    ['absolute form', (p) => `http://127.0.0.1:PORT${p}`],
    ['absolute form, other host', (p) => `http://attacker.example${p}`],
    ['leading "//"', (p) => `/${p}`],
    ['"//" inside', (p) => (p === '/' ? '//' : p.replace(/^(\/[^/]+)\//, '$1//'))],
    ['"%2e%2e" segment', (p) => `/x/%2e%2e${p}`],
    ['"%2E%2E" segment', (p) => `/x/%2E%2E${p}`],
    ['"/./" segment', (p) => `/.${p}`],
    ['".." segment', (p) => `/x/..${p}`],
    ['matrix parameter on the first segment', (p) => (p === '/' ? '/;x=1' : p.replace(/^(\/[^/]+)/, '$1;x=1'))],
    ['matrix parameter at the end', (p) => `${p};x=1`],
    ['encoded slash %2f', (p) => (p === '/' ? '/%2f' : p.replace(/^(\/[^/]+)\//, '$1%2f'))],
    ['encoded slash %2F', (p) => (p === '/' ? '/%2F' : p.replace(/^(\/[^/]+)\//, '$1%2F'))],
    ['encoded backslash %5c', (p) => `${p}%5c`],
    ['backslashes', (p) => p.replaceAll('/', '\\')],
    ['backslash inside', (p) => (p === '/' ? '/\\' : p.replace(/^(\/[^/]+)\//, '$1\\'))],
    ['encoded unreserved letter', (p) => (p === '/' ? '/%69ndex.html' : `/%${p.charCodeAt(1).toString(16)}${p.slice(2)}`)],
  ];

  for (const family of families) {
    it.each(variants)(`${family.name}: %s is refused with 400 before routing`, async (_name, write) => {
      const target = write(family.path).replace('PORT', String(port));
      const res = await rawRequest(port, { method: family.method, target });
      expect(res.status, target).toBe(400);
      // Refused by the target check (or by Node's own parser, for the few it rejects first).
      if (res.body.startsWith('{"error":{')) expect(JSON.parse(res.body).error.code).toMatch(/^target_not_(origin_form|normalised)$/);
    });
  }

  it('refuses the asterisk form', async () => {
    const res = await rawRequest(port, { method: 'OPTIONS', target: '*' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'target_not_origin_form', message: expect.stringMatching(/origin form/) });
  });

  it('the absolute form no longer reaches tRPC without the launch token (reads or writes)', async () => {
    const before = await rowCounts(app);
    const me = await rawRequest(port, { target: `http://127.0.0.1:${port}/trpc/auth.me` });
    expect(me.status).toBe(400);
    expect(JSON.parse(me.body).error.message).toMatch(/origin form/);
    const signUp = await rawRequest(port, {
      method: 'POST',
      target: `http://127.0.0.1:${port}/trpc/auth.signUp`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name: 'Mallory', email: 'mallory@example.test', password: 'analytical-engine-1', organizationName: 'Intruders' } }),
    });
    expect(signUp.status).toBe(400);
    expect(await rowCounts(app)).toEqual(before);
  });

  it('paths differing only in case are other paths: no token bypass, no Host bypass', async () => {
    for (const target of ['/TRPC/auth.me', '/Trpc/auth.me', '/V1/openapi.json', '/API/health', '/WEBHOOKS/stripe']) {
      const res = await rawRequest(port, { target });
      expect(res.status, target).toBe(404);
      expect(res.body, target).not.toContain('"result"');
      // Only the exact /v1 family is exempt from the Host check.
      expect((await rawRequest(port, { target, host: `meterdesk.example:${port}` })).status, target).toBe(403);
    }
  });

  it('the usage API answers under any Host, but only on its exact normalised path', async () => {
    const host = `usage.meterdesk.example:${port}`;
    expect((await rawRequest(port, { target: '/v1/openapi.json', host })).status).toBe(200);
    expect((await rawRequest(port, { target: '/v1/openapi.json?x=1', host })).status).toBe(200);
    for (const target of ['/v1/../api/health', '/v1/%2e%2e/trpc/auth.me', '/v1//../trpc/auth.me', '/v1;x/../trpc/auth.me', `http://${host}/v1/openapi.json`]) {
      expect((await rawRequest(port, { target, host })).status, target).toBe(400);
    }
    // A non-/v1 path under a foreign Host is still refused.
    expect((await rawRequest(port, { target: '/api/health', host })).status).toBe(403);
  });

  it('tRPC still works in origin form with the token, and a query string is not part of the path', async () => {
    const res = await rawRequest(port, { target: '/trpc/setup.status?input=%7B%7D', headers: { [LAUNCH_TOKEN_HEADER]: token } });
    expect(res.status).toBe(200);
  });

  it('parseRequestTarget classifies by the first segment, case-sensitively', () => {
    expect(parseRequestTarget('/trpc/auth.me?batch=1')).toEqual({ ok: true, path: '/trpc/auth.me', family: 'trpc' });
    expect(parseRequestTarget('/trpc')).toMatchObject({ ok: true, family: 'trpc' });
    expect(parseRequestTarget('/v1/usage/events')).toMatchObject({ ok: true, family: 'v1' });
    expect(parseRequestTarget('/v1x/usage')).toMatchObject({ ok: true, family: 'console' });
    expect(parseRequestTarget('/TRPC/auth.me')).toMatchObject({ ok: true, family: 'console' });
    expect(parseRequestTarget('/assets/caf%C3%A9.png')).toMatchObject({ ok: true, family: 'console' });
    expect(parseRequestTarget('/%74rpc/auth.me')).toMatchObject({ ok: false, code: 'target_not_normalised' });
    expect(parseRequestTarget('/trpc/a%')).toMatchObject({ ok: false, code: 'target_not_normalised' });
    expect(parseRequestTarget('/trpc/a"b')).toMatchObject({ ok: false, code: 'target_not_normalised' });
  });
});
