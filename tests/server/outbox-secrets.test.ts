// Invitation links carry a secret: the database keeps only a hash of the token, the outbox keeps the
// link only sealed with a key from the keychain (without SMTP) or not at all (with SMTP, or with no
// keychain). Every column of outbox_emails and invitations is searched for the token, and whatever a
// database dump holds is tried as an invitation token.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MeterdeskApp } from '../../server/app';
import { unavailableKeychain, type Keychain } from '../../server/keychain/keychain';
import { OUTBOX_KEY_ACCOUNT } from '../../server/mail/outbox-link-cipher';
import { databaseTargets } from '../helpers/databases';
import { decodeQuotedPrintable, startSmtpCatcher } from '../helpers/smtp-catcher';
import { MemoryCarrier, memoryKeychain, TestClock } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';

const tokenOf = (link: string) => /invite\/([A-Za-z0-9_-]+)/.exec(link)![1]!;


describe.each(databaseTargets)('invitation secrets at rest on $name', (target) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
  });
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()!();
    await smtp.close();
  });

  /** A fresh app and database; `databaseUrl` reuses another app's database (PostgreSQL), like a second machine. */
  async function start(options: { keychain: Keychain; smtp?: boolean; reuse?: { dataDir: string; databaseUrl: string | null } }) {
    let dataDir = options.reuse?.dataDir;
    let databaseUrl = options.reuse?.databaseUrl ?? null;
    if (!options.reuse) {
      dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-secrets-'));
      const database = await target.create();
      databaseUrl = database.url;
      cleanups.push(async () => {
        await database.drop();
        await rm(dataDir!, { recursive: true, force: true });
      });
    }
    const app = await createApp({ dataDir, databaseUrl, clock: new TestClock(), keychain: options.keychain, smtpUrl: options.smtp ? smtp.url : undefined });
    return { app, dataDir: dataDir!, databaseUrl };
  }

  /** Every column of every row of the tables that could hold the secret, as text. */
  async function dump(app: MeterdeskApp) {
    const rows = await app.services.db.query<{ row: string }>(
      `select row_to_json(o)::text as row from outbox_emails o union all select row_to_json(i)::text from invitations i union all select row_to_json(k)::text from invitation_tokens k`,
    );
    return rows.map((r) => r.row).join('\n');
  }

  async function expectNotAnInvitationToken(app: MeterdeskApp, dumped: string) {
    const anonymous = await app.createCaller(new MemoryCarrier());
    // Every value in the dump, and every piece of one, is tried as a token: none opens the invitation.
    const candidates = new Set(dumped.split('\n').flatMap((line) => Object.values(JSON.parse(line) as Record<string, unknown>)).filter((v): v is string => typeof v === 'string'));
    for (const v of [...candidates]) for (const piece of v.split(/[^A-Za-z0-9_-]+/)) candidates.add(piece);
    const tried = [...candidates].filter((c) => c.length >= 10 && c.length <= 200);
    expect(tried.length).toBeGreaterThan(0);
    for (const candidate of tried) {
      const error = await anonymous.invitations.describe({ token: candidate }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, `a value from the database opened the invitation: ${candidate}`).toBeInstanceOf(TRPCError);
    }
    const accept = await anonymous.invitations.accept({ token: tried[0]!, name: 'Mallory', password: 'mallory-pass-123' }).catch((e: unknown) => e);
    expect(accept).toBeInstanceOf(TRPCError);
  }

  async function invite(app: MeterdeskApp, tenant: Tenant, email: string) {
    const owner = await app.createCaller(tenant.people.owner.carrier);
    return owner.invitations.create({ email, role: 'member' });
  }

  async function acceptWith(app: MeterdeskApp, token: string) {
    const carrier = new MemoryCarrier();
    await (await app.createCaller(carrier)).invitations.accept({ token, name: 'New Person', password: 'new-person-pass-1' });
    return (await (await app.createCaller(carrier)).auth.me())?.activeOrganization?.role;
  }

  it('without SMTP: the outbox gives admins a working link, while the database holds only its ciphertext', async () => {
    const keychain = memoryKeychain();
    const { app, databaseUrl } = await start({ keychain });
    const tenant = await seedTenant(app, 'acme');
    const { id, delivery } = await invite(app, tenant, 'new.person@acme.test');
    // The console says the link must be sent by hand, not that an email went out.
    expect(delivery).toBe('outbox');

    const email = (await (await app.createCaller(tenant.people.admin.carrier)).outbox.list())[0]!;
    expect(email).toMatchObject({ invitationId: id, linkState: 'available', transport: 'outbox' });
    expect(email.text).toContain(email.link!);
    const token = tokenOf(email.link!);
    expect(keychain.entries.get(OUTBOX_KEY_ACCOUNT)).toBeTruthy();

    const dumped = await dump(app);
    expect(dumped).not.toContain(token);
    expect(dumped).not.toContain(token.slice(4)); // the random part, prefix aside
    await expectNotAnInvitationToken(app, dumped);
    // Only invitation managers list the outbox.
    await expect((await app.createCaller(tenant.people.manager.carrier)).outbox.list()).rejects.toThrow(/invitations:manage/);

    // The same database opened with another keychain (a copy on another machine) cannot read the link.
    if (databaseUrl) {
      const elsewhere = await start({ keychain: memoryKeychain(), reuse: { dataDir: await mkdtemp(join(tmpdir(), 'meterdesk-secrets-')), databaseUrl } });
      const seen = (await (await elsewhere.app.createCaller(tenant.people.admin.carrier)).outbox.list())[0]!;
      expect(seen).toMatchObject({ link: null, linkState: 'unavailable', invitationId: id });
      expect(seen.text).not.toContain(token);
      await elsewhere.app.close();
      await rm(elsewhere.dataDir, { recursive: true, force: true });
    }

    expect(await acceptWith(app, token)).toBe('member');
    await app.close();
  });

  it('with SMTP: the emailed text holds the working link and the database holds no token', async () => {
    const { app } = await start({ keychain: memoryKeychain(), smtp: true });
    const tenant = await seedTenant(app, 'acme');
    expect((await invite(app, tenant, 'mailed.person@acme.test')).delivery).toBe('smtp');
    const mailed = decodeQuotedPrintable(smtp.received.at(-1)!.data);
    const link = /(?:meterdesk:\/\/|https?:\/\/)\S*invite\/[A-Za-z0-9_-]+/.exec(mailed)![0];
    const token = tokenOf(link);

    const email = (await (await app.createCaller(tenant.people.owner.carrier)).outbox.list())[0]!;
    expect(email).toMatchObject({ status: 'sent', transport: 'smtp', link: null, linkState: 'emailed' });
    expect(email.text).toContain('[invitation link — sent by email, not stored]');
    const dumped = await dump(app);
    expect(dumped).not.toContain(token);
    expect(dumped).not.toContain(token.slice(4));
    await expectNotAnInvitationToken(app, dumped);

    expect(await acceptWith(app, token)).toBe('member');
    await app.close();
  });

  it('without SMTP or a keychain: nothing is kept, and resending hands the admin a new link once', async () => {
    const { app } = await start({ keychain: unavailableKeychain('no Secret Service') });
    const tenant = await seedTenant(app, 'acme');
    const { id } = await invite(app, tenant, 'unkept.person@acme.test');
    const owner = await app.createCaller(tenant.people.owner.carrier);
    const email = (await owner.outbox.list())[0]!;
    expect(email).toMatchObject({ link: null, linkState: 'unavailable', invitationId: id });
    expect(email.text).toMatch(/not stored .*resend the invitation/);

    const { link } = await owner.invitations.resend({ invitationId: id });
    const token = tokenOf(link!);
    const dumped = await dump(app);
    expect(dumped).not.toContain(token.slice(4));
    await expectNotAnInvitationToken(app, dumped);
    expect(await acceptWith(app, token)).toBe('member');
    await app.close();
  });
});
