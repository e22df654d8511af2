// Where the usage screen is, kept in the address (#/usage?scope=team&id=…&view=events&…) so the
// back button walks back up the drill-down and a reload stays put.
import { useMemo, useSyncExternalStore } from 'react';

export type UsageScope = 'organization' | 'team' | 'user';

export interface UsageLocation {
  scope?: UsageScope;
  id?: string;
  view?: 'events';
  metric?: string;
  by?: 'team' | 'person';
  /** Events filters. */
  team?: string;
  person?: string;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
}

const KEYS: (keyof UsageLocation)[] = ['scope', 'id', 'view', 'metric', 'by', 'team', 'person', 'resourceType', 'resourceId', 'from', 'to'];

function subscribe(listener: () => void) {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

const query = () => window.location.hash.split('?')[1] ?? '';

export function parseUsageLocation(search: string): UsageLocation {
  const params = new URLSearchParams(search);
  const out: Record<string, string> = {};
  for (const key of KEYS) {
    const v = params.get(key);
    if (v) out[key] = v;
  }
  const loc = out as UsageLocation;
  if (loc.scope && !['organization', 'team', 'user'].includes(loc.scope)) delete loc.scope;
  if (loc.by && !['team', 'person'].includes(loc.by)) delete loc.by;
  if (loc.view && loc.view !== 'events') delete loc.view;
  return loc;
}

export function usageHref(loc: UsageLocation): string {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const v = loc[key];
    if (v) params.set(key, v);
  }
  const s = params.toString();
  return `#/usage${s ? `?${s}` : ''}`;
}

export type GoToUsage = (next: UsageLocation, options?: { replace?: boolean }) => void;

function goToUsage(next: UsageLocation, options: { replace?: boolean } = {}) {
  const href = usageHref(next);
  if (window.location.hash === href) return;
  if (options.replace) {
    window.history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = href.slice(1);
  }
}

export function useUsageLocation(): [UsageLocation, GoToUsage] {
  const search = useSyncExternalStore(subscribe, query);
  const loc = useMemo(() => parseUsageLocation(search), [search]);
  return [loc, goToUsage];
}
