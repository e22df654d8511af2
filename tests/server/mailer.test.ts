import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/open-database';
import { unavailableKeychain } from '../../server/keychain/keychain';
import { createMailer, LINK_PLACEHOLDERS } from '../../server/mail/mailer';
import { startSmtpCatcher } from '../helpers/smtp-catcher';
import { memoryKeychain } from '../helpers/test-app';

// A real SMTP server on loopback: nodemailer's delivery is exercised end to end.
describe('mailer', () => {
  let db: Database;
  let dir: string;
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let org: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meterdesk-mail-'));
    db = await openDatabase({ dataDir: dir });
    org = (await db.prisma.organization.create({ data: { slug: 'mail-org', name: 'Mail org' } })).id;
    smtp = await startSmtpCatcher();
  });
  afterAll(async () => {
    await smtp.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps emails in the outbox when no SMTP server is configured, the link only encrypted', async () => {
    const mailer = createMailer(db, { keychain: memoryKeychain() });
    expect(mailer.transport).toBe('outbox');
    const link = 'meterdesk://invite/mdi_secret-token-value';
    const { id, linkKept } = await mailer.send({ organizationId: org, to: 'a@example.test', subject: 'Hi', text: `Open ${link} to join`, link });
    expect(linkKept).toBe(true);
    const row = await db.prisma.outboxEmail.findUniqueOrThrow({ where: { organizationId_id: { organizationId: org, id } } });
    expect(row).toMatchObject({ status: 'sent', transport: 'outbox', text: `Open ${LINK_PLACEHOLDERS.sealed} to join` });
    expect(JSON.stringify(row)).not.toContain('secret-token-value');
    expect(row.linkCiphertext).toMatch(/^v1\./);
  });

  it('keeps no link at all when there is no keychain to encrypt it with', async () => {
    const mailer = createMailer(db, { keychain: unavailableKeychain('no Secret Service') });
    const link = 'meterdesk://invite/mdi_another-secret';
    const { id, linkKept } = await mailer.send({ organizationId: org, to: 'a@example.test', subject: 'Hi', text: `Open ${link}`, link });
    expect(linkKept).toBe(false);
    expect(await db.prisma.outboxEmail.findUniqueOrThrow({ where: { organizationId_id: { organizationId: org, id } } })).toMatchObject({ text: `Open ${LINK_PLACEHOLDERS.dropped}`, linkCiphertext: null });
  });

  it('delivers over SMTP and records it; a refused delivery stays in the outbox as failed', async () => {
    const mailer = createMailer(db, { smtpUrl: smtp.url, from: 'Meterdesk <noreply@meterdesk.test>' });
    const sent = await mailer.send({ organizationId: org, to: 'b@example.test', subject: 'Invitation', text: 'Join us: https://x/#/invite/abc', link: 'https://x/#/invite/abc' });
    expect(smtp.received.at(-1)).toMatchObject({ from: 'noreply@meterdesk.test', to: ['b@example.test'] });
    expect(smtp.received.at(-1)!.data).toContain('Subject: Invitation');
    expect(smtp.received.at(-1)!.data).toContain('https://x/#/invite/abc');
    // The email is the link's only copy.
    expect(await db.prisma.outboxEmail.findUniqueOrThrow({ where: { organizationId_id: { organizationId: org, id: sent.id } } })).toMatchObject({ status: 'sent', transport: 'smtp', text: `Join us: ${LINK_PLACEHOLDERS.emailed}`, linkCiphertext: null });

    smtp.failNext();
    const failed = await mailer.send({ organizationId: org, to: 'c@example.test', subject: 'Invitation', text: 'x' });
    const row = await db.prisma.outboxEmail.findUniqueOrThrow({ where: { organizationId_id: { organizationId: org, id: failed.id } } });
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/550|Mailbox unavailable/);
  });

  it('records an email of no organization in the platform outbox, its link never kept', async () => {
    const mailer = createMailer(db, { keychain: memoryKeychain() });
    const link = 'https://x/#/reset/mdr_platform-secret';
    const sent = await mailer.send({ organizationId: null, to: 'd@example.test', subject: 'Reset', text: `Reset: ${link}`, link });
    expect(sent.linkKept).toBe(false);
    const row = await db.prisma.platformOutboxEmail.findUniqueOrThrow({ where: { id: sent.id } });
    expect(row).toMatchObject({ status: 'sent', transport: 'outbox', text: `Reset: ${LINK_PLACEHOLDERS.dropped}` });
    expect(await db.prisma.outboxEmail.count({ where: { id: sent.id } })).toBe(0);
  });
});
