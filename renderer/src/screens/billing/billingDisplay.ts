// How billing reads on screen: money from integer minor units, plan prices, invoice statuses.
import type { RouterOutputs } from '../../lib/me';

export type BillingOverview = RouterOutputs['billing']['overview'];
export type CatalogPlan = BillingOverview['plans'][number];
export type Invoice = RouterOutputs['billing']['invoices'][number];
export type Interval = 'month' | 'year';

/** 2900 usd → "$29.00"; whole amounts drop the cents when asked ("$29"). */
export function formatMoney(amountMinor: number, currency: string, { compact = false } = {}): string {
  const whole = compact && amountMinor % 100 === 0;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2 }).format(amountMinor / 100);
}

export const INVOICE_STATUS: Record<string, { label: string; color: string }> = {
  paid: { label: 'Paid', color: 'teal' },
  open: { label: 'Open', color: 'orange' },
  draft: { label: 'Draft', color: 'gray' },
  uncollectible: { label: 'Uncollectible', color: 'red' },
  void: { label: 'Void', color: 'gray' },
};

export const SALES_EMAIL = 'sales@meterdesk.app';
export const CONTACT_SALES_URL = `mailto:${SALES_EMAIL}?subject=${encodeURIComponent('Meterdesk Enterprise')}`;

/** Opens a Stripe page outside the console: a new tab in the browser, the system browser on the desktop (the main process routes window.open to shell.openExternal). */
export function openExternal(url: string) {
  window.open(url, '_blank', 'noopener,noreferrer');
}

/** The checkout session the browser came back with (#/billing?checkout=success&session_id=cs_…). */
export function checkoutReturn(hash: string): { outcome: 'success' | 'canceled'; sessionId: string | null } | null {
  const query = hash.split('?')[1];
  if (!query) return null;
  const params = new URLSearchParams(query);
  const outcome = params.get('checkout');
  if (outcome !== 'success' && outcome !== 'canceled') return null;
  const sessionId = params.get('session_id');
  return { outcome, sessionId: sessionId && /^cs_[A-Za-z0-9_]+$/.test(sessionId) ? sessionId : null };
}
