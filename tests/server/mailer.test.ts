import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/open-database';
import { unavailableKeychain } from '../../server/keychain/keychain';
import { createMailer, LINK_PLACEHOLDERS } from '../../server/mail/mailer';
import { memoryKeychain } from '../helpers/test-app';

// A real SMTP server on loopback: nodemailer's delivery is exercised end to end.
describe('mailer', () => {
  let db: Database;
  let dir: string;
  let smtp: SMTPServer;
  let port: number;
  const received: { from: string; to: string[]; data: string }[] = [];
  let failNext = false;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meterdesk-mail-'));
    db = await openDatabase({ dataDir: dir });
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          if (failNext) {
            failNext = false;
            return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
          }
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps emails in the outbox when no SMTP server is configured, the link only encrypted', async () => {
    const mailer = createMailer(db, { keychain: memoryKeychain() });
    expect(mailer.transport).toBe('outbox');
    const link = 'meterdesk://invite/mdi_secret-token-value';
    const { id, linkKept } = await mailer.send({ organizationId: null, to: 'a@example.test', subject: 'Hi', text: `Open ${link} to join`, link });
    expect(linkKept).toBe(true);
    const row = await db.prisma.outboxEmail.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'sent', transport: 'outbox', text: `Open ${LINK_PLACEHOLDERS.sealed} to join` });
    expect(JSON.stringify(row)).not.toContain('secret-token-value');
    expect(row.linkCiphertext).toMatch(/^v1\./);
  });

  it('keeps no link at all when there is no keychain to encrypt it with', async () => {
    const mailer = createMailer(db, { keychain: unavailableKeychain('no Secret Service') });
    const link = 'meterdesk://invite/mdi_another-secret';
    const { id, linkKept } = await mailer.send({ organizationId: null, to: 'a@example.test', subject: 'Hi', text: `Open ${link}`, link });
    expect(linkKept).toBe(false);
    expect(await db.prisma.outboxEmail.findUniqueOrThrow({ where: { id } })).toMatchObject({ text: `Open ${LINK_PLACEHOLDERS.dropped}`, linkCiphertext: null });
  });

  it('delivers over SMTP and records it; a refused delivery stays in the outbox as failed', async () => {
    const mailer = createMailer(db, { smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Meterdesk <noreply@meterdesk.test>' });
    const sent = await mailer.send({ organizationId: null, to: 'b@example.test', subject: 'Invitation', text: 'Join us: https://x/#/invite/abc', link: 'https://x/#/invite/abc' });
    expect(received.at(-1)).toMatchObject({ from: 'noreply@meterdesk.test', to: ['b@example.test'] });
    expect(received.at(-1)!.data).toContain('Subject: Invitation');
    expect(received.at(-1)!.data).toContain('https://x/#/invite/abc');
    // The email is the link's only copy.
    expect(await db.prisma.outboxEmail.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({ status: 'sent', transport: 'smtp', text: `Join us: ${LINK_PLACEHOLDERS.emailed}`, linkCiphertext: null });

    failNext = true;
    const failed = await mailer.send({ organizationId: null, to: 'c@example.test', subject: 'Invitation', text: 'x' });
    const row = await db.prisma.outboxEmail.findUniqueOrThrow({ where: { id: failed.id } });
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/550|Mailbox unavailable/);
  });
});
