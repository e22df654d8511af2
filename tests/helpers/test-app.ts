import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type MeterdeskApp } from '../../server/app';
import type { AuthPolicy } from '../../server/auth/auth-policy';
import type { SessionCarrier } from '../../server/auth/session-carrier';
import type { Clock } from '../../server/clock';
import type { Keychain } from '../../server/keychain/keychain';
import type { SmsConfig } from '../../server/sms/sms-provider-for-organization';
import type { TestDatabaseTarget } from './databases';

/** A clock tests move forward instead of sleeping. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-11-02T09:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(at: Date) {
    this.current = new Date(at);
  }
}

/** A session carrier like a browser's cookie jar, kept in memory. */
export class MemoryCarrier implements SessionCarrier {
  token: string | undefined;
  remember = false;
  read() {
    return this.token;
  }
  store(token: string, options: { remember: boolean }) {
    this.token = token;
    this.remember = options.remember;
  }
  clear() {
    this.token = undefined;
  }
}

export function memoryKeychain(): Keychain & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    available: true,
    entries,
    get: async (k) => entries.get(k),
    set: async (k, v) => void entries.set(k, v),
    delete: async (k) => void entries.delete(k),
  };
}

export interface TestApp {
  app: MeterdeskApp;
  clock: TestClock;
  dataDir: string;
  /** A caller acting with its own cookie jar. */
  client(carrier?: MemoryCarrier): Promise<{ carrier: MemoryCarrier; api: Awaited<ReturnType<MeterdeskApp['createCaller']>> }>;
  close(): Promise<void>;
}

export async function startTestApp(target: TestDatabaseTarget, options: { authPolicy?: Partial<AuthPolicy>; sms?: SmsConfig } = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-test-'));
  const database = await target.create();
  const clock = new TestClock();
  const app = await createApp({ dataDir, databaseUrl: database.url, clock, keychain: memoryKeychain(), authPolicy: options.authPolicy, sms: options.sms });
  return {
    app,
    clock,
    dataDir,
    async client(carrier = new MemoryCarrier()) {
      // A fresh caller per use: the context (and so the session) is resolved when it is created.
      const api = await app.createCaller(carrier);
      return { carrier, api };
    },
    async close() {
      await app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Table row counts, to prove a rejected request wrote nothing. */
export async function rowCounts(app: MeterdeskApp) {
  const p = app.services.db.prisma;
  const [users, organizations, memberships, sessions, auditEvents, teams] = await Promise.all([
    p.user.count(),
    p.organization.count(),
    p.membership.count(),
    p.session.count(),
    p.auditEvent.count(),
    p.team.count(),
  ]);
  return { users, organizations, memberships, sessions, auditEvents, teams };
}
