// A real HTTP server on 127.0.0.1 standing in for a customer's webhook receiver: it records every
// request (headers and raw body) and answers what the test asks — a status, a huge body, or never.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

export type ReceiverMode = { status: number; body?: string } | { hang: true } | { hugeBodyBytes: number };

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  mode: ReceiverMode;
  close(): Promise<void>;
}

export async function startWebhookReceiver(mode: ReceiverMode = { status: 200, body: 'ok' }): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const receiver = { received, mode } as WebhookReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const m = receiver.mode;
      if ('hang' in m) {
        hanging.add(res);
        return;
      }
      if ('hugeBodyBytes' in m) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < m.hugeBodyBytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        pump();
        return;
      }
      res.writeHead(m.status, { 'Content-Type': 'text/plain' });
      res.end(m.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  receiver.port = port;
  receiver.url = `http://127.0.0.1:${port}/hooks`;
  receiver.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
