import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';

/** Awaits a tRPC call that must be refused with `code` (and a message matching `message`); returns the error. */
export async function refused(promise: Promise<unknown>, code: string, message?: RegExp): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a refusal').toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code, (error as Error).message).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
  return error as TRPCError;
}
