import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z, ZodError } from 'zod';
import { createHttpServer, LAUNCH_TOKEN_HEADER } from '../../server/http/create-http-server';
import { databaseTargets } from '../helpers/databases';
import { MemoryCarrier, rowCounts, startTestApp, type TestApp } from '../helpers/test-app';

// Free text from outside is refused with a per-field message when it holds control characters or
// broken Unicode, before anything reaches the database (PostgreSQL cannot store NUL: it used to
// answer a 500 carrying Prisma's invocation, a file path and the SQL error).
const NUL = '\u0000';
const founder = { name: 'Ada', email: 'ada@example.test', password: 'analytical-engine-1', organizationName: 'Engines' };

interface Case {
  procedure: string;
  type: 'query' | 'mutation';
  field: string;
  input: (ids: { organizationId: string }) => Record<string, unknown>;
}

const cases: Case[] = [
  { procedure: 'auth.signUp', type: 'mutation', field: 'name', input: () => ({ ...founder, email: 'b@example.test', name: `Bo${NUL}b` }) },
  { procedure: 'auth.signUp', type: 'mutation', field: 'organizationName', input: () => ({ ...founder, email: 'b@example.test', organizationName: `Acme${NUL}` }) },
  { procedure: 'auth.signUp', type: 'mutation', field: 'email', input: () => ({ ...founder, email: `b${NUL}@example.test` }) },
  { procedure: 'auth.signIn', type: 'mutation', field: 'email', input: () => ({ email: `ada@example.test\u001b`, password: founder.password }) },
  { procedure: 'members.list', type: 'query', field: 'search', input: () => ({ search: `a${NUL}b` }) },
  { procedure: 'members.list', type: 'query', field: 'search', input: () => ({ search: '\u001b[31mred' }) },
  { procedure: 'teams.create', type: 'mutation', field: 'name', input: () => ({ name: `Sales${NUL}` }) },
  { procedure: 'teams.create', type: 'mutation', field: 'name', input: () => ({ name: 'Sales \uD800' }) }, // lone surrogate
  { procedure: 'organization.updateSettings', type: 'mutation', field: 'name', input: () => ({ name: `Engines${NUL}Ltd` }) },
  { procedure: 'organization.updateBillingProfile', type: 'mutation', field: 'billingEmail', input: () => ({ billingEmail: `billing${NUL}@example.test` }) },
  { procedure: 'apiKeys.create', type: 'mutation', field: 'name', input: () => ({ name: `ingest${NUL}`, scopes: ['usage:read'] }) },
  { procedure: 'audit.list', type: 'query', field: 'action', input: () => ({ action: `team.${NUL}` }) },
  { procedure: 'invitations.create', type: 'mutation', field: 'email', input: () => ({ email: `new${NUL}@example.test`, role: 'member' }) },
  { procedure: 'invitations.previewCsv', type: 'mutation', field: 'csv', input: () => ({ csv: `email,role\nnew${NUL}@example.test,member\n` }) },
  { procedure: 'invitations.describe', type: 'query', field: 'token', input: () => ({ token: `0123456789${NUL}abcdef` }) },
  { procedure: 'platform.grantCredits', type: 'mutation', field: 'reason', input: ({ organizationId }) => ({ organizationId, metric: 'sms_sent', amount: 10, reason: `goodwill${NUL}` }) },
  { procedure: 'auth.requestPasswordReset', type: 'mutation', field: 'email', input: () => ({ email: `ada${NUL}@example.test` }) },
  { procedure: 'contacts.create', type: 'mutation', field: 'name', input: () => ({ name: `Ana${NUL}`, phone: '+14155550100' }) },
  { procedure: 'contacts.list', type: 'query', field: 'search', input: () => ({ search: '\u001b[31mred' }) },
  { procedure: 'contacts.importRows', type: 'mutation', field: 'fileName', input: () => ({ importId: '0193a000-0000-7000-8000-000000000002', fileName: `list${NUL}.csv`, rows: [{ line: 2, phone: '+14155550100' }] }) },
  { procedure: 'auth.describePasswordReset', type: 'query', field: 'token', input: () => ({ token: `mdr_${'A'.repeat(42)}${NUL}` }) },
  { procedure: 'auth.resetPassword', type: 'mutation', field: 'token', input: () => ({ token: `mdr_\u001b${'A'.repeat(42)}`, password: 'copper-meadow-signal-42' }) },
  { procedure: 'organization.scheduleDeletion', type: 'mutation', field: 'confirmName', input: () => ({ confirmName: `Engines${NUL}` }) },
  { procedure: 'platform.setTenantPlan', type: 'mutation', field: 'reason', input: ({ organizationId }) => ({ organizationId, planKey: 'growth', requestId: '00000000-0000-4000-8000-000000000011', reason: `contract${NUL}` }) },
  { procedure: 'platform.extendTrial', type: 'mutation', field: 'reason', input: ({ organizationId }) => ({ organizationId, trialEndsAt: new Date('2027-01-01T00:00:00Z'), requestId: '00000000-0000-4000-8000-000000000012', reason: `review\u001b[2J` }) },
  { procedure: 'platform.applyBillingCredit', type: 'mutation', field: 'reason', input: ({ organizationId }) => ({ organizationId, amountMinor: 100, requestId: '00000000-0000-4000-8000-000000000013', reason: `outage${NUL}` }) },
  { procedure: 'platform.refundInvoice', type: 'mutation', field: 'reason', input: ({ organizationId }) => ({ organizationId, invoiceId: 'in_123', amountMinor: 100, requestId: '00000000-0000-4000-8000-000000000014', reason: `double \uD800 charge` }) },
  { procedure: 'platform.suspendTenant', type: 'mutation', field: 'reason', input: ({ organizationId }) => ({ organizationId, requestId: '00000000-0000-4000-8000-000000000015', reason: `spam\u0007` }) },
  { procedure: 'platform.unsuspendTenant', type: 'mutation', field: 'reason', input: ({ organizationId }) => ({ organizationId, requestId: '00000000-0000-4000-8000-000000000016', reason: `cleared${NUL}` }) },
  { procedure: 'platform.issuePasswordResetLink', type: 'mutation', field: 'reason', input: () => ({ email: founder.email, reason: `ticket\u0007 42` }) },
  { procedure: 'connections.save', type: 'mutation', field: 'secret', input: () => ({ name: 'stripe.secret_key', secret: `sk_test_abc${NUL}def` }) },
  { procedure: 'connections.save', type: 'mutation', field: 'secret', input: () => ({ name: 'stripe.webhook_secret', secret: `whsec_abc\u001b[2Jdef` }) },
  { procedure: 'platform.setQuotaOverride', type: 'mutation', field: 'reason', input: ({ organizationId }) => ({ organizationId, metric: 'sms_sent', limit: 10, endsAt: new Date('2027-01-01T00:00:00Z'), reason: `launch\u0007week` }) },
];

const controlMessage = /control characters|broken Unicode/;

describe.each(databaseTargets)('text inputs on $name', (target) => {
  let t: TestApp;
  let carrier: MemoryCarrier;
  let organizationId: string;

  beforeAll(async () => {
    t = await startTestApp(target);
    // The first user is the platform's super admin and owns the first organization: every case is allowed.
    ({ carrier } = await t.client());
    await (await t.app.createCaller(carrier)).setup.completeFirstRun(founder);
    organizationId = (await t.app.services.db.prisma.organization.findFirstOrThrow()).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(cases)('through app.createCaller: $procedure refuses $field with a per-field message', async ({ procedure, field, input }) => {
    const before = await rowCounts(t.app);
    const api = (await t.app.createCaller(carrier)) as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
    const [router, name] = procedure.split('.') as [string, string];
    const error = await api[router]![name]!(input({ organizationId })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect(getHTTPStatusCodeFromError(error as TRPCError)).toBe(400);
    const cause = (error as TRPCError).cause;
    expect(cause).toBeInstanceOf(ZodError);
    expect((z.flattenError(cause as ZodError).fieldErrors as Record<string, string[] | undefined>)[field]?.[0]).toMatch(controlMessage);
    expect(await rowCounts(t.app)).toEqual(before);
  });

  // The HTTP layer is the same on both databases: once is enough.
  if (target.name === 'pglite') describe('through the real HTTP server', () => {
    let server: FastifyInstance;
    let base: string;
    let cookie: string;
    const launchToken = 'launch-token-for-text-input-tests-0123';

    beforeAll(async () => {
      ({ server } = await createHttpServer({ app: t.app, port: 0, launchToken }));
      const { port } = server.server.address() as { port: number };
      base = `http://127.0.0.1:${port}`;
      const signIn = await fetch(`${base}/trpc/auth.signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [LAUNCH_TOKEN_HEADER]: launchToken },
        body: JSON.stringify({ json: { email: founder.email, password: founder.password } }),
      });
      expect(signIn.status).toBe(200);
      cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    });
    afterAll(async () => {
      await server?.close();
    });

    it.each(cases)('$procedure answers 400 with a per-field message for $field, and no internals', async ({ procedure, type, field, input }) => {
      // superjson carries the Date of setQuotaOverride as it would from the console.
      const { serialize } = await import('superjson');
      const body = serialize(input({ organizationId }));
      const headers = { 'content-type': 'application/json', [LAUNCH_TOKEN_HEADER]: launchToken, cookie };
      const res =
        type === 'query'
          ? await fetch(`${base}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(body))}`, { headers })
          : await fetch(`${base}/trpc/${procedure}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await res.text();
      expect(res.status, text).toBe(400);
      const error = JSON.parse(text).error.json;
      expect(error.data.fieldErrors[field][0]).toMatch(controlMessage);
      expect(error.message).toMatch(new RegExp(`${field}: `));
      expect(text).not.toMatch(/prisma|invalid byte sequence|\.ts\b|node_modules|stack/i);
    });
  });
});
