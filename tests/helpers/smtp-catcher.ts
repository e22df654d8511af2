// A real SMTP server on loopback that keeps what it receives, so nodemailer's delivery is exercised
// end to end. `failNext()` makes it refuse the next message as a full mailbox would (550).
import { SMTPServer } from 'smtp-server';

export interface CaughtEmail {
  from: string;
  to: string[];
  /** The raw message (headers and quoted-printable body). */
  data: string;
}

export async function startSmtpCatcher() {
  const received: CaughtEmail[] = [];
  let refuseNext = false;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        if (refuseNext) {
          refuseNext = false;
          return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        }
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    failNext: () => void (refuseNext = true),
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** The text of a quoted-printable body, as a reader's mail program shows it. */
export const decodeQuotedPrintable = (s: string) => s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
