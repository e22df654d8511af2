// Unexpected errors: the client gets a reference, the server log gets the detail under the same
// reference. One JSON line per error on stderr (grep-able by the reference, parseable by log
// shippers). Only the error itself is written, never request bodies or headers, and anything
// shaped like a secret in its text is masked.
import { randomBytes } from 'node:crypto';

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stderr.write(`${line}\n`);

/** Sends log lines elsewhere (tests, an embedding process); returns a function restoring the previous sink. */
export function setLogSink(next: LogSink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

/** A short, unguessable reference a person can read out to support. */
export function newCorrelationId(): string {
  return randomBytes(8).toString('hex');
}

/** Logs an unexpected error with its full detail and returns the reference to show the client. */
export function logUnexpectedError(where: string, error: unknown, correlationId = newCorrelationId()): string {
  const line = JSON.stringify({ time: new Date().toISOString(), level: 'error', correlationId, where, error: describe(error, 0) });
  try {
    sink(redactSecrets(line));
  } catch {
    // Logging must never turn one failure into two.
  }
  return correlationId;
}

function describe(error: unknown, depth: number): unknown {
  if (!(error instanceof Error)) return { value: String(error) };
  const { code, meta } = error as Error & { code?: unknown; meta?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(code !== undefined ? { code } : {}),
    ...(meta !== undefined ? { meta } : {}),
    stack: error.stack,
    ...(error.cause !== undefined && depth < 4 ? { cause: describe(error.cause, depth + 1) } : {}),
  };
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(md[kis])_[A-Za-z0-9_-]+/g, '$1_***'], // API keys, invitation and session tokens
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"]*:)[^@/?#\s"]+@/gi, '$1***@'], // passwords in URLs
  [/([?&](?:token|key|secret|password)=)[^&\s"]+/gi, '$1***'], // tokens in links
  [/(\bBearer\s+)[A-Za-z0-9._~+/-]+=*/g, '$1***'],
];

export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}

/** What a person sees for an unexpected error: no internals, just what to do and the reference. */
export function unexpectedErrorMessage(correlationId: string): string {
  return `Something went wrong on our side (reference ${correlationId}). Nothing you entered was lost; try again or send the reference to support.`;
}
