// POST /webhooks/sns in server mode: the raw body (the signature covers its fields exactly), up to
// 512 KB (an SNS message is at most 256 KB), handed to handleSnsWebhook. SNS posts text/plain;
// registered in its own encapsulated context so its body parser applies to this route only.
import type { FastifyInstance } from 'fastify';
import type { MeterdeskApp } from '../app';
import { handleSnsWebhook } from '../sms/handle-sns-webhook';

export const SNS_WEBHOOK_PATH = '/webhooks/sns';
const WEBHOOK_BODY_LIMIT = 512 * 1024;

export function registerSnsWebhook(server: FastifyInstance, app: MeterdeskApp) {
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
  server.post(SNS_WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req, reply) => {
    const { db, clock, connections, sms } = app.services;
    if (!connections) return reply.code(503).send({ received: false, error: { code: 'sms_not_available', message: 'SMS is not available in this process.' } });
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const answer = await handleSnsWebhook({ db, clock, credentials: connections.store, sms }, body);
    return reply.code(answer.status).send(answer.body);
  });
}
