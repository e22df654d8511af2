// What happened to the session, as seen by the whole app. Ending a session bumps `epoch`, which
// remounts everything below the gate so no screen keeps showing the previous user's data.
import { useSyncExternalStore } from 'react';

export interface SessionState {
  epoch: number;
  /** Shown on the sign-in screen after an unexpected sign-out. */
  notice: string | null;
}

export const SESSION_ENDED_NOTICE = 'Your session ended. Sign in again.';

let state: SessionState = { epoch: 0, notice: null };
const listeners = new Set<() => void>();

function set(next: SessionState) {
  state = next;
  listeners.forEach((l) => l());
}

/** The server no longer accepts the session (expired, revoked elsewhere). */
export function sessionEnded() {
  if (state.notice === SESSION_ENDED_NOTICE) return; // several failing queries report it at once
  set({ epoch: state.epoch + 1, notice: SESSION_ENDED_NOTICE });
}

/** The user signed out on purpose: start over without a notice. */
export function sessionReset() {
  set({ epoch: state.epoch + 1, notice: null });
}

export function clearSessionNotice() {
  if (state.notice) set({ ...state, notice: null });
}

export function useSessionState(): SessionState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
