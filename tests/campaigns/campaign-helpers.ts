// Fixtures for campaign tests: an organization with an SMS channel, contacts written straight into
// the database, and an SMS provider to send through.
import type { MeterdeskApp } from '../../server/app';
import type { Actor } from '../../server/members/member-scope';
import type { SendSmsInput, SendSmsResult, SmsProvider } from '../../server/sms/sms-provider';
import { DEFAULT_SENDER_OPTIONS, runCampaignSending, type CampaignSenderOptions } from '../../server/campaigns/send-campaign-messages';
import type { TestApp } from '../helpers/test-app';
import { connectOrganizationToStandIn } from '../helpers/sms';
import type { SnsStandIn } from '../stand-ins/sns/server';
import type { Tenant } from '../helpers/tenants';

/** 10:00 in Los Angeles, 13:00 in New York: inside quiet hours' sending window for US numbers. */
export const US_DAYTIME = new Date('2026-11-02T18:00:00Z');

/** Connects the organization to the SNS stand-in (keys in the credential store, channel settings) at `partsPerSecond`. */
export async function connectSmsChannel(app: MeterdeskApp, organizationId: string, standIn: SnsStandIn | null, settings: { partsPerSecond?: number } = {}) {
  if (standIn) await connectOrganizationToStandIn(app, organizationId, standIn, { partsPerSecond: settings.partsPerSecond ?? 1000 });
  else await app.services.db.prisma.smsChannel.update({ where: { organizationId }, data: { partsPerSecond: settings.partsPerSecond ?? 1000 } });
}

/** `n` contacts with consecutive US numbers (+1415555xxxx, Los Angeles), consent given, owned by `ownerUserId`. */
export async function seedContacts(
  app: MeterdeskApp,
  organizationId: string,
  ownerUserId: string,
  n: number,
  options: { prefix?: string; tags?: string[]; consent?: boolean; start?: number; country?: string } = {},
) {
  const prefix = options.prefix ?? '+1415555';
  const start = options.start ?? 0;
  const phones = Array.from({ length: n }, (_, i) => `${prefix}${String(start + i).padStart(4, '0')}`);
  await app.services.db.query(
    `insert into contacts (organization_id, id, owner_user_id, name, phone, country, tags, consent_sms, consent_source, consent_at, updated_at)
     select $1, gen_random_uuid(), $2, 'Contact ' || p, p, $5, $3, $4, 'import', now(), now() from unnest($6::text[]) p`,
    [organizationId, ownerUserId, options.tags ?? ['customers'], options.consent ?? true, options.country ?? 'US', phones],
  );
  return phones;
}

export function actorOf(tenant: Tenant, person: keyof Tenant['people'] = 'owner'): Actor {
  const role = ({ owner: 'owner', admin: 'admin', manager: 'manager', member: 'member', teammate: 'member', outsideMember: 'member', guest: 'guest' } as const)[person];
  return { organizationId: tenant.organizationId, userId: tenant.people[person].userId, role };
}

/** Unlimited sms_sent for the organization (a quota override), for sends larger than the free plan's 100. */
export async function unlimitedSms(app: MeterdeskApp, organizationId: string, now: Date) {
  await app.services.db.prisma.quotaOverride.create({
    data: { organizationId, metric: 'sms_sent', limit: null, startsAt: new Date(now.getTime() - 86_400_000), endsAt: new Date(now.getTime() + 90 * 86_400_000), reason: 'test' },
  });
}

export type Failure = 'Throttled' | 'InternalError' | 'InvalidParameter' | 'OptedOut' | 'timeout';

/**
 * An SMS provider that records what it publishes, keyed by phone, and fails on request (the next
 * `count` calls, or calls to one number).
 */
export class RecordingProvider implements SmsProvider {
  published: SendSmsInput[] = [];
  private failures: { failure: Failure; count: number; to?: string }[] = [];
  private seq = 0;

  failNext(failure: Failure, count = 1, to?: string) {
    this.failures.push({ failure, count, to });
  }
  countFor(phone: string) {
    return this.published.filter((p) => p.to === phone).length;
  }
  duplicates() {
    const seen = new Map<string, number>();
    for (const p of this.published) seen.set(p.to, (seen.get(p.to) ?? 0) + 1);
    return [...seen.values()].filter((n) => n > 1).length;
  }
  async send(input: SendSmsInput): Promise<SendSmsResult> {
    const i = this.failures.findIndex((f) => f.count > 0 && (!f.to || f.to === input.to));
    if (i >= 0) {
      const f = this.failures[i]!;
      f.count--;
      if (f.failure === 'timeout') {
        // The request reached the provider, which sent it, but the answer never came back.
        this.published.push(input);
        return { ok: false, code: 'TimeoutError', message: 'no answer within 10 s', retryable: true, optedOut: false, outcomeUnknown: true } as SendSmsResult;
      }
      const status = { Throttled: 429, InternalError: 500, InvalidParameter: 400, OptedOut: 400 }[f.failure];
      return { ok: false, code: f.failure, message: `${status} ${f.failure}`, retryable: status === 429 || status >= 500, optedOut: f.failure === 'OptedOut' };
    }
    this.published.push(input);
    return { ok: true, providerMessageId: `msg-${++this.seq}` };
  }
  async connect() {
    return { region: 'us-east-1', inSandbox: false, monthlySpendLimitUsd: 1000, defaultSmsType: null, defaultSenderId: null };
  }
  async listSenderIdentities() {
    return [];
  }
  async isOptedOut() {
    return false;
  }
  async listOptedOut() {
    return [];
  }
  async optIn() {}
  async parseNotification(): Promise<never> {
    throw new Error('not used');
  }
}

/** Runs the sending job until nothing more is due now (each run sends until idle or rate-limited). */
export async function sendUntilIdle(t: TestApp, provider: SmsProvider, options: Partial<CampaignSenderOptions> = {}, maxRuns = 50) {
  const db = t.app.services.db;
  for (let i = 0; i < maxRuns; i++) {
    const result = await runCampaignSending({ db, clock: t.clock, smsProviders: async () => provider }, { ...DEFAULT_SENDER_OPTIONS, ...options });
    if (result.sent + result.failed + result.unknown + result.retried + result.skipped === 0) return;
  }
}

export async function messageCounts(app: MeterdeskApp, campaignId: string) {
  const rows = await app.services.db.query<{ status: string; n: string }>('select status, count(*) as n from campaign_messages where campaign_id = $1 group by status', [campaignId]);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function smsCounters(app: MeterdeskApp, organizationId: string) {
  const rows = await app.services.db.query<{ scope: string; used: string; reserved: string }>(`select scope, used, reserved from usage_counters where organization_id = $1 and metric = 'sms_sent'`, [organizationId]);
  return Object.fromEntries(rows.map((r) => [r.scope, { used: Number(r.used), reserved: Number(r.reserved) }]));
}
