// The tray's unread count and the native notifications, from the console's own notification centre
// (server/notifications, through the same tRPC procedures the bell uses, with the desktop's session):
// threshold alerts, blocked sends and dunning changes (the subscription's status moving to past due,
// unpaid, canceled, or back to active). Notifications already there when the app starts, or when
// the person switches organization, are counted but not popped up. Muting stops the pop-ups, not the
// count. Pure logic (no `electron` import): main.ts gives it the caller and the native calls.
import { routeToOpenLink } from './deep-link';

/** The slice of the tRPC caller the notifier uses (the real caller satisfies it). */
export interface NotifierApi {
  auth: { me(): Promise<{ activeOrganization: { id: string } | null } | null> };
  notifications: {
    list(input: { limit: number; unreadOnly: boolean }): Promise<{ items: Array<{ id: string; kind: string; title: string; body: string; link: string | null }>; unread: number }>;
  };
  billing: { accessStatus(): Promise<{ status: string }> };
}

export interface NativeNotice {
  title: string;
  body: string;
  /** The console route a click opens (validated like a deep link). */
  route: string;
}

export interface NotifierOptions {
  /** A caller with the desktop's current session (a fresh one per poll: the session may have changed). */
  caller(): Promise<NotifierApi>;
  show(notice: NativeNotice): void;
  setUnreadCount(count: number): void;
  isMuted(): boolean;
}

/** Notification kinds that pop up natively (server/alerts: `usage.<kind>`). */
export const NATIVE_KINDS = new Set(['usage.threshold', 'usage.limit_blocked']);

const DUNNING: Record<string, { title: string; body: string }> = {
  past_due: { title: 'Payment failed', body: 'The subscription is past due: sending is paused until the payment method is updated in Billing.' },
  unpaid: { title: 'Subscription unpaid', body: 'Invoices are unpaid: sending stays off until they are paid in Billing.' },
  canceled: { title: 'Subscription canceled', body: 'The subscription was canceled: the console is read-only. Choose a plan in Billing to continue.' },
  active: { title: 'Subscription active again', body: 'The payment went through: sending is back on.' },
};

function routeOf(link: string | null): string {
  const openLink = routeToOpenLink(link);
  return openLink && link ? link : 'dashboard';
}

export function createDesktopNotifier(options: NotifierOptions) {
  let organizationId: string | null = null;
  let seen = new Set<string>();
  let billingStatus: string | null = null;

  async function poll(): Promise<void> {
    const api = await options.caller();
    const me = await api.auth.me();
    const org = me?.activeOrganization?.id ?? null;
    if (!org) {
      organizationId = null;
      seen = new Set();
      billingStatus = null;
      options.setUnreadCount(0);
      return;
    }
    const [list, access] = await Promise.all([api.notifications.list({ limit: 50, unreadOnly: true }), api.billing.accessStatus().catch(() => null)]);
    options.setUnreadCount(list.unread);
    const fresh = org !== organizationId;
    organizationId = org;
    const notices: NativeNotice[] = [];
    if (!fresh) {
      for (const item of list.items) {
        if (!seen.has(item.id) && NATIVE_KINDS.has(item.kind)) notices.push({ title: item.title, body: item.body, route: routeOf(item.link) });
      }
      const status = access?.status ?? null;
      if (status && billingStatus && status !== billingStatus && DUNNING[status]) notices.push({ ...DUNNING[status]!, route: 'billing' });
    }
    // Remember what was unread now (bounded by the page size), so each one pops up once.
    seen = new Set([...list.items.map((i) => i.id), ...(fresh ? [] : [...seen].slice(-500))]);
    billingStatus = access?.status ?? billingStatus;
    if (!options.isMuted()) for (const notice of notices) options.show(notice);
  }

  return { poll };
}
