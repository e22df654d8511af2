import type { FastifyReply } from 'fastify';
import type { ZodError } from 'zod';

/** Every usage API error has one shape: {"error":{"code","message","details"}}. */
export function sendApiError(reply: FastifyReply, status: number, code: string, message: string, details: Record<string, unknown> = {}) {
  return reply.code(status).type('application/json').send({ error: { code, message, details } });
}

export function sendValidationError(reply: FastifyReply, error: ZodError) {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) (fields[issue.path.join('.') || '(body)'] ??= []).push(issue.message);
  const summary = Object.entries(fields)
    .map(([f, m]) => `${f}: ${m.join(', ')}`)
    .join('; ');
  return sendApiError(reply, 400, 'invalid_request', `The request is not valid — ${summary}`, { fields });
}

/** A 400 about one field, in the same shape as a validation error (details.fields). */
export function sendFieldError(reply: FastifyReply, field: string, message: string) {
  return sendApiError(reply, 400, 'invalid_request', `The request is not valid — ${field}: ${message}`, { fields: { [field]: [message] } });
}
