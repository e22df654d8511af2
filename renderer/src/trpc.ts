// The renderer's only link to the server: Electron IPC on the desktop, same-origin HTTP in browser
// mode (auth rides on HttpOnly cookies the server sets, so no headers are added here).
import { createTRPCClient } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '../../server/api/root';
import { reportLaunchTokenRequired } from './lib/launchToken';
import { browserLinks, desktopLinks } from './links';

export type { AppRouter };

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The preload script exposes `electronTRPC` only inside the desktop app. */
export function isDesktop(): boolean {
  return typeof (globalThis as { electronTRPC?: unknown }).electronTRPC !== 'undefined';
}

/**
 * The browser-mode server answers a plain HTTP 401 (not tRPC JSON) when the page was opened without
 * the printed link's launch token. Spot it here, where the raw response is still visible.
 */
const fetchNoticingLaunchToken: typeof fetch = async (input, init) => {
  const response = await fetch(input, { ...init, credentials: 'same-origin' });
  if (response.status === 401) {
    const body = (await response.clone().json().catch(() => null)) as { error?: { code?: string } } | null;
    if (body?.error?.code === 'launch_token_required') reportLaunchTokenRequired();
  }
  return response;
};

export function createClient() {
  return createTRPCClient<AppRouter>({ links: isDesktop() ? desktopLinks() : browserLinks(fetchNoticingLaunchToken) });
}
