// Telling "the shared database cannot be reached" apart from every other failure, so the console
// can say so plainly (and keep retrying) instead of showing a generic error with a reference.
// Errors arrive wrapped several ways: pg's own (socket errno codes, SQLSTATE classes), Prisma's
// driver-adapter mapping ({ kind: 'DatabaseNotReachable' … }) and its client errors (P1001…). The
// whole cause chain is searched.

export const DATABASE_UNAVAILABLE_MESSAGE = 'The shared database cannot be reached right now. Meterdesk keeps trying to reconnect; what you typed is kept, so you can send it again once it is back.';

/** The cause a procedure fails with when the database is unreachable (see server/api/trpc.ts). */
export class DatabaseUnavailableError extends Error {
  constructor(cause?: unknown) {
    super(DATABASE_UNAVAILABLE_MESSAGE, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);
/** Prisma's "can't reach / timed out / connection closed" codes. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
/**
 * SQLSTATE: class 08 (connection exception); 57P01–57P03 (the server shutting down, or ending
 * sessions); 55000 only with its "not currently accepting connections" text (ALLOW_CONNECTIONS off).
 */
function unavailableSqlState(code: string, message: string): boolean {
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  return code === '55000' && /not currently accepting connections/i.test(message);
}
const MESSAGES = /connection terminated|Connection refused|ECONNREFUSED|timeout exceeded when trying to connect|Can't reach database server|not currently accepting connections|terminating connection due to administrator command|Client has encountered a connection error|Connection ended unexpectedly|server closed the connection unexpectedly/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 32) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (e instanceof DatabaseUnavailableError) return true;
    const o = e as { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; originalMessage?: unknown; cause?: unknown; errors?: unknown; meta?: unknown };
    const message = typeof o.message === 'string' ? o.message : typeof o.originalMessage === 'string' ? o.originalMessage : '';
    if (typeof o.code === 'string' && (SOCKET_CODES.has(o.code) || PRISMA_CODES.has(o.code))) return true;
    if (typeof o.kind === 'string' && ADAPTER_KINDS.has(o.kind)) return true;
    for (const code of [o.code, o.originalCode]) if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && unavailableSqlState(code, message)) return true;
    if (MESSAGES.test(message)) return true;
    queue.push(o.cause, o.meta);
    if (Array.isArray(o.errors)) queue.push(...o.errors);
  }
  return false;
}

/** One log line per outage (at most every 30 s), not a stack trace per request, job run or pooled connection. */
let lastWarning = 0;
export function warnDatabaseUnavailable(where: string, error: unknown) {
  if (Date.now() - lastWarning < 30_000) return;
  lastWarning = Date.now();
  const detail = error instanceof Error ? error.message.split('\n').filter(Boolean).pop() : String(error);
  console.warn(`Database unreachable (${where}): ${detail}`);
}
