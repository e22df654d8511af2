// The SMS outcome rollups are kept once per statement (migration campaign_outcomes_per_statement,
// for issue 10's benchmark) instead of once per row. Whatever one statement changes — a batch of
// sender outcomes across campaigns, late answers, delivery events, reviews — the rollups must end
// exactly where the per-row rule puts them. The rule is re-stated here row by row as the oracle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { startSmsStandIn } from '../helpers/sms';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { connectSmsChannel, seedContacts, unlimitedSms, US_DAYTIME } from './campaign-helpers';

interface Row {
  id: string;
  campaign_id: string;
  status: string;
  sent_at: Date | null;
  updated_at: Date;
}

/** The per-row rule (the row trigger of migration 20261203042238): +succeeded / +failed for one row's change. */
function rowOutcome(before: Row, after: Row): { ok: number; failed: number } | null {
  if (before.status === after.status) return null;
  const unsettled = ['sending', 'unknown', 'queued'];
  if (['sent', 'delivered'].includes(after.status) && unsettled.includes(before.status)) return { ok: 1, failed: 0 };
  if (after.status === 'failed' && ['sent', 'delivered'].includes(before.status)) return { ok: -1, failed: 1 };
  if (after.status === 'failed' && unsettled.includes(before.status)) return { ok: 0, failed: 1 };
  return null;
}

describe.each(databaseTargets)('SMS outcome rollups per statement on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let standIn: SnsStandIn;
  const campaigns: Array<{ id: string; owner: string; team: string | null }> = [];

  beforeAll(async () => {
    const sms = await startSmsStandIn();
    standIn = sms.standIn;
    t = await startTestApp(target, { sms: sms.sms });
    t.clock.set(US_DAYTIME);
    a = await seedTenant(t.app, `orps${target.name}`);
    await connectSmsChannel(t.app, a.organizationId, standIn);
    await unlimitedSms(t.app, a.organizationId, t.clock.now());
    // Two campaigns: the teammate's (their team is Sales) and the owner's.
    await seedContacts(t.app, a.organizationId, a.people.teammate.userId, 9, { tags: ['roll-a'] });
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 7, { tags: ['roll-b'], start: 100 });
    for (const [person, tag] of [
      ['teammate', 'roll-a'],
      ['owner', 'roll-b'],
    ] as const) {
      const { api } = await t.client(a.people[person].carrier);
      const created = await api.campaigns.create({ name: `Rollups ${tag}`, body: 'Rollups check', smsType: 'Transactional', includeTags: [tag] });
      await api.campaigns.launch({ campaignId: created.id });
      const [c] = await t.app.services.db.query<{ owner_user_id: string; team_id: string | null }>('select owner_user_id, team_id from campaigns where organization_id = $1 and id = $2', [
        a.organizationId,
        created.id,
      ]);
      campaigns.push({ id: created.id, owner: c!.owner_user_id, team: c!.team_id });
    }
  });
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  it('ends where the per-row rule puts it after multi-row statements across campaigns and days', async () => {
    const db = t.app.services.db;
    const org = a.organizationId;
    const expected = new Map<string, { succeeded: number; failed: number }>();
    const rows = async () =>
      new Map(
        (
          await db.query<Row>('select id, campaign_id, status, sent_at, updated_at from campaign_messages where organization_id = $1 and campaign_id = any($2::uuid[]) order by phone', [
            org,
            campaigns.map((c) => c.id),
          ])
        ).map((r) => [r.id, r]),
      );
    // Runs one UPDATE statement (status, sent_at per id) and adds what the per-row rule says to `expected`.
    const statement = async (changes: Array<[string, string, Date | null]>) => {
      const before = await rows();
      await db.query(
        `update campaign_messages cm set status = v.status, sent_at = coalesce(v.sent_at, cm.sent_at), updated_at = $2
           from unnest($3::uuid[], $4::text[], $5::timestamptz[]) as v(id, status, sent_at)
          where cm.organization_id = $1 and cm.id = v.id`,
        [org, t.clock.now(), changes.map((c) => c[0]), changes.map((c) => c[1]), changes.map((c) => c[2])],
      );
      const after = await rows();
      for (const [id, b] of before) {
        const change = rowOutcome(b, after.get(id)!);
        if (!change) continue;
        const n = after.get(id)!;
        const day = (b.sent_at ?? n.sent_at ?? n.updated_at).toISOString().slice(0, 10);
        const c = campaigns.find((x) => x.id === n.campaign_id)!;
        for (const [scope, scopeId] of [
          ['user', c.owner],
          ['team', c.team],
          ['organization', org],
        ] as const) {
          if (!scopeId) continue;
          const key = `${scope}|${scopeId}|${day}`;
          const e = expected.get(key) ?? { succeeded: 0, failed: 0 };
          expected.set(key, { succeeded: e.succeeded + change.ok, failed: e.failed + change.failed });
        }
      }
    };
    const actual = async () =>
      new Map(
        (
          await db.query<{ scope: string; scope_id: string; day: Date | string; succeeded: string; failed: string }>(
            `select scope::text, scope_id, to_char(day, 'YYYY-MM-DD') as day, succeeded, failed from usage_outcome_rollups where organization_id = $1 and metric = 'sms_sent'`,
            [org],
          )
        )
          .filter((r) => Number(r.succeeded) !== 0 || Number(r.failed) !== 0)
          .map((r) => [`${r.scope}|${r.scope_id}|${r.day}`, { succeeded: Number(r.succeeded), failed: Number(r.failed) }]),
      );
    const nonZero = () => new Map([...expected].filter(([, v]) => v.succeeded !== 0 || v.failed !== 0));

    const ids = [...(await rows()).keys()];
    expect(ids).toHaveLength(16);
    const day1 = new Date('2026-11-02T18:00:00Z');
    const day2 = new Date('2026-11-03T01:30:00Z');
    // Claimed: no outcome yet.
    await statement(ids.map((id) => [id, 'sending', null]));
    expect(await actual()).toEqual(new Map());
    // One batch of sender outcomes across both campaigns: sent on two UTC days, refused, unknown, retried.
    const first: Array<[string, string, Date | null]> = ids.map((id, i) => [id, ['sent', 'sent', 'failed', 'unknown', 'queued', 'sent'][i % 6]!, null]);
    for (const [i, f] of first.entries()) if (f[1] === 'sent') f[2] = i % 2 === 0 ? day1 : day2;
    await statement(first);
    expect(await actual()).toEqual(nonZero());
    // Delivery events and reviews in one statement: delivered (no change), undelivered after sent
    // (moves to failed), unknown marked sent / failed, the retried one sent straight from queued.
    const now = await rows();
    const second: Array<[string, string, Date | null]> = [];
    let undelivered = 0;
    for (const [id, r] of now) {
      if (r.status === 'sent') second.push([id, undelivered++ % 2 === 0 ? 'failed' : 'delivered', null]);
      else if (r.status === 'unknown') second.push([id, second.length % 2 === 0 ? 'sent' : 'failed', day2]);
      else if (r.status === 'queued') second.push([id, 'sent', day1]);
      else if (r.status === 'failed') second.push([id, 'failed', null]);
    }
    await statement(second);
    expect(await actual()).toEqual(nonZero());
    // Already settled rows changing again (delivered after failed is not counted again; failed → delivered is not a send).
    await statement([...(await rows())].filter(([, r]) => r.status === 'failed').map(([id]) => [id, 'delivered', null]));
    expect(await actual()).toEqual(nonZero());
    expect([...expected.values()].some((v) => v.failed > 0 && v.succeeded > 0)).toBe(true);
    expect(new Set([...expected.keys()].map((k) => k.split('|')[2])).size).toBe(2);
  });
});
