// The tRPC links for each transport, free of React so tests can use exactly what the console uses.
import { httpBatchLink, TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import superjson from 'superjson';
import { ipcLink } from 'trpc-electron/renderer';
import type { AppRouter } from '../../server/api/root';

/**
 * trpc-electron raises its own copy of TRPCClientError, which @trpc/client does not recognise, so
 * error.data (code, fieldErrors) would be lost over IPC. Rebuild a real one from the error's shape.
 */
function ipcErrorsLink<TRouter extends AnyRouter>(): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) =>
        next(op).subscribe({
          next: (value) => observer.next(value),
          complete: () => observer.complete(),
          error: (error) => {
            const shape = (error as { shape?: unknown }).shape;
            observer.error(error instanceof TRPCClientError || !shape ? error : TRPCClientError.from<TRouter>({ error: shape } as never));
          },
        }),
      );
}

/** Desktop: Electron IPC through the preload's bridge. */
export function desktopLinks(): TRPCLink<AppRouter>[] {
  return [ipcErrorsLink<AppRouter>(), ipcLink<AppRouter>({ transformer: superjson })];
}

/** Browser mode: same-origin HTTP; auth rides on HttpOnly cookies the server sets. */
export function browserLinks(fetchImpl: typeof fetch): TRPCLink<AppRouter>[] {
  return [httpBatchLink<AppRouter>({ url: '/trpc', fetch: fetchImpl, transformer: superjson })];
}
