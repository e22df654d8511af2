// Words, colours and money formatting for the campaigns screens, and the campaign named in the
// address (#/campaigns?id=… for a campaign's detail, #/campaigns?new for the composer).
import { useSyncExternalStore } from 'react';

export function formatMicros(micros: number, currency = 'usd'): string {
  const amount = micros / 1_000_000;
  const digits = amount !== 0 && Math.abs(amount) < 1 ? 4 : 2;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: 2, maximumFractionDigits: digits }).format(amount);
}

export const CAMPAIGN_STATUS: Record<string, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  launching: { label: 'Launching', color: 'blue' },
  scheduled: { label: 'Scheduled', color: 'violet' },
  sending: { label: 'Sending', color: 'blue' },
  paused: { label: 'Paused', color: 'orange' },
  completed: { label: 'Completed', color: 'teal' },
  canceled: { label: 'Cancelled', color: 'gray' },
  failed: { label: 'Failed', color: 'red' },
};

export const MESSAGE_STATUS: Record<string, { label: string; color: string }> = {
  queued: { label: 'Queued', color: 'gray' },
  held_quiet_hours: { label: 'Held for quiet hours', color: 'violet' },
  sending: { label: 'Sending', color: 'blue' },
  sent: { label: 'Sent', color: 'teal' },
  delivered: { label: 'Delivered', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  blocked_quota: { label: 'Blocked by quota', color: 'orange' },
  skipped_opt_out: { label: 'Skipped: opted out', color: 'gray' },
  skipped_quiet_hours: { label: 'Skipped: quiet hours', color: 'gray' },
  unknown: { label: 'Unknown — needs review', color: 'yellow' },
  canceled: { label: 'Cancelled', color: 'gray' },
};

function subscribe(listener: () => void) {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

function query(): string {
  return window.location.hash.split('?')[1] ?? '';
}

/** What the campaigns screen shows: the list, the composer (optionally for a draft), or one campaign. */
export function useCampaignView(): { view: 'list' } | { view: 'new'; draftId: string | null } | { view: 'detail'; id: string } {
  const q = useSyncExternalStore(subscribe, query);
  const params = new URLSearchParams(q);
  if (params.has('new')) return { view: 'new', draftId: params.get('draft') };
  const id = params.get('id');
  return id ? { view: 'detail', id } : { view: 'list' };
}

export function openCampaign(id: string | null, options: { compose?: boolean; draftId?: string } = {}) {
  window.location.hash = options.compose ? `#/campaigns?new${options.draftId ? `&draft=${options.draftId}` : ''}` : id ? `#/campaigns?id=${id}` : '#/campaigns';
}
