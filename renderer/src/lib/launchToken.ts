// Browser mode only: set once the server says the page lacks its launch token. Nothing else can
// work after that, so the app swaps to a full-page explanation (see LaunchTokenRequiredScreen).
import { useSyncExternalStore } from 'react';

let required = false;
const listeners = new Set<() => void>();

export function reportLaunchTokenRequired() {
  if (required) return;
  required = true;
  listeners.forEach((l) => l());
}

export function isLaunchTokenRequired() {
  return required;
}

export function useLaunchTokenRequired(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => required,
  );
}
