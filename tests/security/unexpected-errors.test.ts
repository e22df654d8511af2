import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, LAUNCH_TOKEN_HEADER } from '../../server/http/create-http-server';
import { logUnexpectedError, redactSecrets, setLogSink } from '../../server/logging/log-error';
import { databaseTargets } from '../helpers/databases';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';

// Anything unexpected reaches the client as a generic message and a reference; the server log holds
// the detail under the same reference. Genuine failures are forced by renaming a table the
// procedure needs, as a half-applied migration or a DBA's mistake would.
const founder = { name: 'Ada', email: 'ada@example.test', password: 'analytical-engine-1', organizationName: 'Engines' };
const GENERIC = /^Something went wrong on our side \(reference ([0-9a-f]{16})\)\. Nothing you entered was lost; try again or send the reference to support\.$/;
const INTERNALS = /prisma|does not exist|\brelation\b|invocation|\.ts\b|node_modules|\bat \S+ \(|teams_gone|P20\d\d/i;

describe.each(databaseTargets)('unexpected errors on $name', (target) => {
  let t: TestApp;
  let carrier: MemoryCarrier;
  let server: FastifyInstance;
  let base: string;
  let cookie: string;
  let apiKey: string;
  const launchToken = 'launch-token-for-error-tests-0123456789';
  const log: string[] = [];
  let restoreSink: () => void;

  const sql = (statement: string) => t.app.services.db.prisma.$executeRawUnsafe(statement);
  /** The one log line carrying this reference, parsed. */
  const logged = (correlationId: string) => {
    const lines = log.filter((l) => l.includes(correlationId));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    return { line: lines[0]!, entry: JSON.parse(lines[0]!) as { correlationId: string; where: string; error: unknown } };
  };

  beforeAll(async () => {
    t = await startTestApp(target);
    ({ carrier } = await t.client());
    const api = await t.app.createCaller(carrier);
    await api.setup.completeFirstRun(founder);
    apiKey = (await (await t.app.createCaller(carrier)).apiKeys.create({ name: 'ingest', scopes: ['usage:read'] })).key;
    ({ server } = await createHttpServer({ app: t.app, port: 0, launchToken }));
    base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    const signIn = await fetch(`${base}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [LAUNCH_TOKEN_HEADER]: launchToken },
      body: JSON.stringify({ json: { email: founder.email, password: founder.password } }),
    });
    cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    restoreSink = setLogSink((line) => log.push(line));
  });
  afterEach(() => {
    log.length = 0;
  });
  afterAll(async () => {
    restoreSink?.();
    await server?.close();
    await t?.close();
  });

  it('a procedure hitting a database error, through app.createCaller: generic message, detail in the log', async () => {
    await sql('ALTER TABLE teams RENAME TO teams_gone');
    try {
      const error = await (await t.app.createCaller(carrier)).teams.list().then(
        () => null,
        (e: unknown) => e as TRPCError,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect(error!.code).toBe('INTERNAL_SERVER_ERROR');
      const [, correlationId] = GENERIC.exec(error!.message) ?? [];
      expect(correlationId, error!.message).toBeDefined();
      const { line, entry } = logged(correlationId!);
      expect(entry).toMatchObject({ correlationId, where: 'trpc query teams.list' });
      expect(line).toMatch(/teams/);
      expect(line).toMatch(/does not exist/);
    } finally {
      await sql('ALTER TABLE teams_gone RENAME TO teams');
    }
  });

  it('the same over HTTP: 500 with the reference in the message and data.correlationId, nothing internal', async () => {
    await sql('ALTER TABLE teams RENAME TO teams_gone');
    try {
      const res = await fetch(`${base}/trpc/teams.list`, { headers: { [LAUNCH_TOKEN_HEADER]: launchToken, cookie } });
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(text).not.toMatch(INTERNALS);
      const error = JSON.parse(text).error.json;
      const [, correlationId] = GENERIC.exec(error.message) ?? [];
      expect(correlationId, error.message).toBeDefined();
      expect(error.data.correlationId).toBe(correlationId);
      expect(error.data.stack).toBeUndefined();
      expect(logged(correlationId!).line).toMatch(/does not exist/);
    } finally {
      await sql('ALTER TABLE teams_gone RENAME TO teams');
    }
  });

  it('a failure while building the context (before any procedure) is reported the same way', async () => {
    await sql('ALTER TABLE sessions RENAME TO sessions_gone');
    try {
      const res = await fetch(`${base}/trpc/auth.me`, { headers: { [LAUNCH_TOKEN_HEADER]: launchToken, cookie } });
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(text).not.toMatch(INTERNALS);
      const error = JSON.parse(text).error.json;
      expect(error.message).toMatch(GENERIC);
      const { line, entry } = logged(error.data.correlationId);
      expect(entry.where).toBe('trpc query auth.me');
      expect(line).toMatch(/sessions/);
    } finally {
      await sql('ALTER TABLE sessions_gone RENAME TO sessions');
    }
  });

  it('the usage API answers 500 with a reference; the log has the detail, never the API key', async () => {
    await sql('ALTER TABLE api_keys RENAME TO api_keys_gone');
    try {
      const res = await fetch(`${base}/v1/entitlements`, { headers: { authorization: `Bearer ${apiKey}` } });
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(text).not.toMatch(INTERNALS);
      const { error } = JSON.parse(text);
      expect(error.code).toBe('internal_error');
      const correlationId = error.details.correlationId as string;
      expect(correlationId).toMatch(/^[0-9a-f]{16}$/);
      expect(error.message).toContain(`reference ${correlationId}`);
      const { line, entry } = logged(correlationId);
      expect(entry.where).toBe('usage-api GET /v1/entitlements');
      expect(line).toMatch(/api_keys/);
      expect(line).not.toContain(apiKey);
    } finally {
      await sql('ALTER TABLE api_keys_gone RENAME TO api_keys');
    }
    // Once the table is back the key is recognised again (the trial plan may still refuse API access).
    const again = await fetch(`${base}/v1/entitlements`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect([200, 403]).toContain(again.status);
  });
});

describe('the error log', () => {
  it('writes one line to stderr by default, with secrets masked', () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
    let correlationId: string;
    try {
      const error = new Error('connect failed for postgresql://meterdesk:hunter2@db.internal:5432/app with key mdk_ab12_SECRETSECRET', { cause: new Error('inner\ndetail') });
      correlationId = logUnexpectedError('test', error);
    } finally {
      process.stderr.write = write;
    }
    expect(written).toHaveLength(1);
    expect(written[0]!.endsWith('\n')).toBe(true);
    expect(written[0]!.trimEnd()).not.toContain('\n');
    const entry = JSON.parse(written[0]!);
    expect(entry).toMatchObject({ level: 'error', correlationId, where: 'test', error: { name: 'Error', cause: { message: 'inner\ndetail' } } });
    expect(written[0]).not.toMatch(/hunter2|SECRETSECRET/);
    expect(redactSecrets('https://console.example/invite?token=abc123&x=1')).toBe('https://console.example/invite?token=***&x=1');
    // Invitation links carry their token in the fragment; session tokens have their own prefix.
    expect(redactSecrets('http://127.0.0.1:4873/#/invite/mdi_Q1w2E3r4T5y6 and mds_Z9x8C7v6')).toBe('http://127.0.0.1:4873/#/invite/mdi_*** and mds_***');
  });
});
