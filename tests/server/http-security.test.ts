import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MeterdeskApp } from '../../server/app';
import { createHttpServer, LAUNCH_TOKEN_HEADER } from '../../server/http/create-http-server';
import { memoryKeychain, rowCounts } from '../helpers/test-app';

// Browser mode on the embedded database: what a local attacker or a malicious web page could try.
describe('browser-mode HTTP server', () => {
  let app: MeterdeskApp;
  let server: FastifyInstance;
  let base: string;
  let port: number;
  let dataDir: string;
  const token = 'launch-token-for-tests-0123456789';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-http-'));
    app = await createApp({ dataDir, databaseUrl: null, keychain: memoryKeychain() });
    ({ server, port } = await createHttpServer({ app, port: 0, launchToken: token }));
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // tRPC bodies are superjson-encoded: { json: input }.
  const signUpBody = JSON.stringify({ json: { name: 'Ada', email: 'ada@example.test', password: 'analytical-engine-1', organizationName: 'Engines' } });

  it('answers health without the token', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    const health = await res.json();
    expect(health).toEqual({ ok: true, database: 'pglite', migrations: expect.any(Number), version: expect.any(String) });
    // The README's example is exactly what this version answers (every migration applied).
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(JSON.stringify(health));
    expect(readme).toContain(`(${health.migrations} in this version,`);
    const migrations = (await readdir(new URL('../../prisma/migrations', import.meta.url), { withFileTypes: true })).filter((e) => e.isDirectory());
    expect(health.migrations).toBe(migrations.length);
  });

  it('refuses /trpc without the launch token before routing, writing nothing', async () => {
    const before = await rowCounts(app);
    const res = await fetch(`${base}/trpc/auth.signUp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: signUpBody });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('launch_token_required');
    const wrong = await fetch(`${base}/trpc/setup.status`, { headers: { [LAUNCH_TOKEN_HEADER]: 'not-the-token-at-all-0123456789012' } });
    expect(wrong.status).toBe(401);
    expect(await rowCounts(app)).toEqual(before);
  });

  it('refuses foreign origins and hosts (cross-site requests, DNS rebinding) with 403', async () => {
    const crossSite = await fetch(`${base}/trpc/setup.status`, { headers: { [LAUNCH_TOKEN_HEADER]: token, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    // fetch() will not send a forged Host header; a DNS-rebinding page's browser would.
    const rebinding = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/api/health', headers: { host: `attacker.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject);
    });
    expect(rebinding).toBe(403);
    const sameOrigin = await fetch(`${base}/trpc/setup.status`, { headers: { [LAUNCH_TOKEN_HEADER]: token, origin: base } });
    expect(sameOrigin.status).toBe(200);
  });

  it('trades the printed link’s token for an HttpOnly cookie, then keeps the session in another', async () => {
    const open = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
    expect(open.status).toBe(302);
    expect(open.headers.get('location')).toBe('/');
    const consoleCookie = open.headers.get('set-cookie')!;
    expect(consoleCookie).toMatch(new RegExp(`^md_console_${port}=`));
    expect(consoleCookie).toMatch(/HttpOnly/);
    expect(consoleCookie).toMatch(/SameSite=Strict/);
    const cookie = consoleCookie.split(';')[0]!;

    const stale = await fetch(`${base}/?token=old-token`, { redirect: 'manual' });
    expect(stale.status).toBe(401);

    const signUp = await fetch(`${base}/trpc/auth.signUp`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: signUpBody });
    expect(signUp.status).toBe(200);
    const sessionCookie = signUp.headers.getSetCookie().find((c) => c.startsWith(`md_session_${port}=`))!;
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/SameSite=Strict/);
    expect(sessionCookie).not.toMatch(/Expires/); // not remembered: a browser-session cookie
    expect(await signUp.text()).not.toContain(sessionCookie.split(';')[0]!.split('=')[1]!);

    const me = await fetch(`${base}/trpc/auth.me`, { headers: { cookie: `${cookie}; ${sessionCookie.split(';')[0]}` } });
    const body = await me.json();
    expect(body.result.data.json.user.email).toBe('ada@example.test');
    expect(body.result.data.json.activeOrganization.role).toBe('owner');
  });

  it('answers bad input with per-field messages and no stack trace', async () => {
    const res = await fetch(`${base}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [LAUNCH_TOKEN_HEADER]: token },
      body: JSON.stringify({ json: { email: 'not-an-email', password: '' } }),
    });
    expect(res.status).toBe(400);
    const error = (await res.json()).error.json;
    expect(error.data.fieldErrors.email[0]).toMatch(/valid email/);
    expect(error.data.fieldErrors.password[0]).toMatch(/Enter your password/);
    expect(error.data.stack).toBeUndefined();
  });

  it('binds to loopback only', () => {
    const address = server.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
  });
});
