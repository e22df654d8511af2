// Whether the console can reach its database (and its server): any call that fails with the server's
// SERVICE_UNAVAILABLE/databaseUnavailable answer, or cannot reach the server at all, turns the
// offline banner on; a probe (settings.ping) then retries with backoff — 1 s, 2 s, 4 s … at most
// 15 s — and, once it answers, the banner goes and every query refetches. Nothing typed is touched:
// a mutation that failed this way leaves its form filled, to be sent again.
import { TRPCClientError } from '@trpc/client';
import { useSyncExternalStore } from 'react';

export type Connectivity = { offline: false } | { offline: true; reason: 'database' | 'server'; attempt: number; nextRetryAt: number };

const MAX_DELAY_MS = 15_000;
let state: Connectivity = { offline: false };
const listeners = new Set<() => void>();
let probe: (() => Promise<unknown>) | undefined;
let onReconnected: (() => void) | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let probing = false;

function emit() {
  for (const listener of listeners) listener();
}

export function backoffDelay(attempt: number): number {
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt);
}

/** Wires the probe (a cheap call that touches the database) and what to do once it answers. */
export function configureConnectivity(options: { probe: () => Promise<unknown>; onReconnected: () => void }) {
  probe = options.probe;
  onReconnected = options.onReconnected;
}

/** 'database' for the server's database-unavailable answer, 'server' when the server itself is out of reach. */
export function connectivityProblem(error: unknown): 'database' | 'server' | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { code?: string; databaseUnavailable?: boolean } | undefined;
  if (data?.databaseUnavailable || data?.code === 'SERVICE_UNAVAILABLE') return 'database';
  if (!data && /fetch|network|Failed to|connection/i.test(error.message)) return 'server';
  return null;
}

/** Called for every failed query and mutation (renderer/src/queryClient.ts). */
export function noticeError(error: unknown) {
  const reason = connectivityProblem(error);
  if (!reason) return;
  if (state.offline) {
    if (state.reason !== reason) {
      state = { ...state, reason };
      emit();
    }
    return;
  }
  state = { offline: true, reason, attempt: 0, nextRetryAt: Date.now() + backoffDelay(0) };
  emit();
  schedule();
}

function schedule() {
  clearTimeout(timer);
  if (state.offline) timer = setTimeout(() => void retryNow(), Math.max(0, state.nextRetryAt - Date.now()));
}

/** One probe now (the banner's "Try now", and each backoff step). */
export async function retryNow() {
  if (!state.offline || !probe || probing) return;
  probing = true;
  clearTimeout(timer);
  try {
    await probe();
    state = { offline: false };
    emit();
    onReconnected?.();
  } catch (error) {
    // Any answer other than "unreachable" means the database answered: back, whatever the call said.
    const reason = connectivityProblem(error);
    if (!reason) {
      state = { offline: false };
      emit();
      onReconnected?.();
    } else if (state.offline) {
      const attempt = state.attempt + 1;
      state = { offline: true, reason, attempt, nextRetryAt: Date.now() + backoffDelay(attempt) };
      emit();
      schedule();
    }
  } finally {
    probing = false;
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConnectivity(): Connectivity {
  return useSyncExternalStore(subscribe, () => state);
}
