// Routing without a router library: the hash names the screen (#/members), so reloads and the
// back button keep working in the browser and in Electron alike.
import { useCallback, useSyncExternalStore } from 'react';

function subscribe(listener: () => void) {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

/** The route in the address bar now ("members" for #/members). */
export function currentRoute(): string {
  return current();
}

function current(): string {
  return window.location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
}

export function navigate(route: string, { replace = false } = {}) {
  const hash = `#/${route}`;
  if (window.location.hash === hash) return;
  if (replace) {
    window.history.replaceState(null, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}

export function useHashRoute(): [string, (route: string, opts?: { replace?: boolean }) => void] {
  const route = useSyncExternalStore(subscribe, current);
  return [route, useCallback((r: string, opts?: { replace?: boolean }) => navigate(r, opts), [])];
}
