// Browser mode's export files: GET /api/exports/:runId/file downloads a finished export (the same
// launch token and session as /trpc, and the same rule as the export history: your own exports, or
// any of the organization's for owners and admins); POST /api/exports/open checks an export pack sent
// as the request body and answers what it holds — with no database: nothing is looked up or written,
// only the launch token is needed, and the pack is checked against this installation's key.
// (The desktop app saves and opens through the system dialogs instead: see the desktop issue.)
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream } from 'node:fs';
import type { MeterdeskApp } from '../app';
import { AppError } from '../errors';
import { findExportDownload } from '../exports/find-export-download';
import { openExportPack } from '../exports/export-pack';
import { installationSigningKey } from '../exports/installation-signing-key';
import type { OrgRoleName } from '../permissions/permissions';
import { cookieSessionCarrier } from './cookie-session-carrier';

export const MAX_PACK_BYTES = 2 * 1024 * 1024 * 1024;
const STATUS = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, TOO_MANY_REQUESTS: 429, PRECONDITION_FAILED: 412 } as const;

export interface ExportRouteOptions {
  /** Whether the request carries the console's launch token (cookie or header), as /trpc requires. */
  hasLaunchToken(req: FastifyRequest): boolean;
  sessionCookie(): string;
}

function refuse(reply: FastifyReply, error: AppError) {
  return reply.code(STATUS[error.code]).send({ error: { code: error.code.toLowerCase(), message: error.message } });
}

export function registerExportRoutes(server: FastifyInstance, app: MeterdeskApp, options: ExportRouteOptions) {
  const unauthorized = (reply: FastifyReply) => reply.code(401).send({ error: { code: 'launch_token_required', message: 'Open the console with the link `npm run serve` printed (it carries the launch token).' } });

  server.get('/api/exports/:runId/file', async (req, reply) => {
    if (!options.hasLaunchToken(req)) return unauthorized(reply);
    const { runId } = req.params as { runId: string };
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId)) return refuse(reply, new AppError('NOT_FOUND', 'That export does not exist.'));
    const ctx = await app.createContext(cookieSessionCarrier(req, reply, options.sessionCookie()), { transport: 'browser', userAgent: req.headers['user-agent'] ?? null });
    if (!ctx.session) return refuse(reply, new AppError('UNAUTHORIZED', 'Your session has ended. Sign in again.'));
    const organizationId = ctx.session.activeOrganizationId;
    const membership = organizationId
      ? await app.services.db.prisma.membership.findUnique({ where: { organizationId_userId: { organizationId, userId: ctx.session.user.id } }, select: { role: true, status: true } })
      : null;
    if (!organizationId || !membership || membership.status !== 'active') return refuse(reply, new AppError('FORBIDDEN', 'You are not a member of this organization.'));
    try {
      const file = await findExportDownload(app.services.db, { organizationId, userId: ctx.session.user.id, role: membership.role as OrgRoleName }, runId);
      const type = file.kind === 'usage_pdf' ? 'application/pdf' : file.kind === 'usage_pack' ? 'application/zip' : 'text/csv; charset=utf-8';
      return reply
        .header('content-type', type)
        .header('content-disposition', `attachment; filename="${file.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .header('cache-control', 'no-store')
        .send(createReadStream(file.path));
    } catch (error) {
      if (error instanceof AppError) return refuse(reply, error);
      throw error;
    }
  });

  // The pack arrives as the raw body; it is streamed to a temporary file, checked, and removed.
  server.register(async (open) => {
    open.removeAllContentTypeParsers();
    open.addContentTypeParser('*', { bodyLimit: MAX_PACK_BYTES }, (_req, payload, done) => done(null, payload));
    open.post('/api/exports/open', { bodyLimit: MAX_PACK_BYTES }, async (req, reply) => {
      if (!options.hasLaunchToken(req)) return unauthorized(reply);
      const dir = await mkdtemp(join(tmpdir(), 'meterdesk-pack-'));
      try {
        const path = join(dir, 'pack.mdpack');
        let bytes = 0;
        const body = req.body as Readable | undefined;
        if (!body || typeof (body as Readable).pipe !== 'function') return refuse(reply, new AppError('BAD_REQUEST', 'Send the export pack file as the request body.'));
        body.on('data', (c: Buffer) => (bytes += c.length));
        await pipeline(body, createWriteStream(path));
        if (bytes === 0) return refuse(reply, new AppError('BAD_REQUEST', 'The file is empty: choose the .mdpack file an export produced.'));
        const key = await installationSigningKey(app.services.keychain, app.services.exports?.env ?? {}, { create: false }).catch(() => null);
        return await openExportPack(path, key?.publicKey ?? null);
      } catch (error) {
        if (error instanceof AppError) return refuse(reply, error);
        throw error;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
