// Reading the server's error shape (see server/api/trpc.ts errorFormatter) without caring whether it
// came over IPC or HTTP: `data.code`, `data.fieldErrors` and `data.retryAfterSeconds`.
import { TRPCClientError } from '@trpc/client';
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { isLaunchTokenRequired } from './launchToken';
import { connectivityProblem } from './connectivity';

interface ServerErrorData {
  code?: string;
  httpStatus?: number;
  fieldErrors?: Record<string, string[] | undefined>;
  retryAfterSeconds?: number;
}

function dataOf(error: unknown): ServerErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as ServerErrorData | undefined) : undefined;
}

export function errorCode(error: unknown): string | undefined {
  return dataOf(error)?.code;
}

export function isUnauthorized(error: unknown): boolean {
  return errorCode(error) === 'UNAUTHORIZED';
}

export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(dataOf(error)?.fieldErrors ?? {})) {
    if (messages?.[0]) out[field] = messages[0];
  }
  return out;
}

export function retryAfterSecondsOf(error: unknown): number | undefined {
  return dataOf(error)?.retryAfterSeconds;
}

/** A sentence a person can act on; never a stack trace or raw JSON. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (!error.data && /fetch|network|Failed to/i.test(error.message)) {
      return 'Meterdesk could not reach its server. Check that it is still running, then try again.';
    }
    if (errorCode(error) === 'INTERNAL_SERVER_ERROR') return 'Something went wrong on the server. Try again in a moment.';
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong. Try again.';
}

/** Client errors will fail the same way again; only retry what may be transient. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isLaunchTokenRequired()) return false;
  // Unreachable database or server: the connectivity probe retries with backoff and refetches once back.
  if (connectivityProblem(error)) return false;
  const status = dataOf(error)?.httpStatus;
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failureCount < 2;
}

/**
 * Puts the server's per-field messages under the matching inputs. Returns true when at least one
 * field was marked, so the caller can skip repeating the message in a banner.
 */
export function applyFieldErrors<T extends FieldValues>(error: unknown, setError: UseFormSetError<T>, fields: readonly Path<T>[]): boolean {
  let marked = false;
  for (const [field, message] of Object.entries(fieldErrorsOf(error))) {
    if ((fields as readonly string[]).includes(field)) {
      setError(field as Path<T>, { type: 'server', message }, { shouldFocus: !marked });
      marked = true;
    }
  }
  return marked;
}

/** True when the server named at least one of these fields. */
export function hasFieldErrors(error: unknown, fields: readonly string[]): boolean {
  const byField = fieldErrorsOf(error);
  return fields.some((f) => byField[f]);
}
