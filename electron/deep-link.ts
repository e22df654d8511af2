// meterdesk:// links: Stripe's checkout and portal returns, invitation and password reset links,
// and a notification's screen. Pure helpers, no `electron` import. Nothing acts on a link before
// resolveDeepLink() has parsed and validated all of it (zod); anything else is refused with a
// message that never repeats the link (its path may carry a token).
import { z } from 'zod';

export const DEEP_LINK_SCHEME = 'meterdesk';
const MAX_LENGTH = 2048;

/** The link as a URL when it is a well-formed meterdesk:// link of sane length, otherwise undefined. */
export function parseDeepLink(raw: unknown): URL | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_LENGTH) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === `${DEEP_LINK_SCHEME}:` ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Windows and Linux pass the link as a command-line argument (first launch and second-instance). */
export function findDeepLinkInArgv(argv: readonly string[]): string | undefined {
  return argv.find((arg) => parseDeepLink(arg) !== undefined);
}

/** A loggable description: the link's kind only, never its path or query (invitation tokens live there). */
export function describeDeepLink(url: URL): string {
  return `${DEEP_LINK_SCHEME}://${url.host || url.pathname.split('/').find(Boolean) || ''}/…`;
}

/** What a valid link does: the console route (hash, without "#/") to show. */
export type DeepLinkAction =
  | { kind: 'checkout-return'; route: string }
  | { kind: 'portal-return'; route: 'billing?portal=returned' }
  | { kind: 'invitation'; route: string }
  | { kind: 'password-reset'; route: string }
  | { kind: 'open-screen'; route: string };

export type DeepLinkResult = { ok: true; action: DeepLinkAction } | { ok: false; message: string };

/** Screens a link (or a clicked notification) may open: the console's own top-level routes. */
export const OPENABLE_SCREENS = [
  'dashboard',
  'members',
  'teams',
  'usage',
  'billing',
  'contacts',
  'campaigns',
  'api-keys',
  'webhooks',
  'audit',
  'settings',
  'account',
  'tenants',
  'shortcuts',
] as const;

/** Tokens as the server mints them (prefix_base64url); nothing else reaches a screen. */
const token = z.string().regex(/^[A-Za-z0-9_-]{16,200}$/, 'its token is malformed');
/** A query value a screen may receive: printable, no control characters, bounded. */
const queryValue = z
  .string()
  .max(200, 'a parameter is too long')
  // eslint-disable-next-line no-control-regex
  .refine((v) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v), 'a parameter contains control characters');
const queryKey = z.string().regex(/^[a-z][a-z_]{0,31}$/i, 'a parameter name is malformed');

const checkoutQuery = z.strictObject({
  checkout: z.enum(['success', 'canceled']),
  // Stripe fills {CHECKOUT_SESSION_ID} in; a link where it did not is still a return, without the id.
  session_id: z.union([z.string().regex(/^cs_[A-Za-z0-9_]{1,255}$/), z.literal('{CHECKOUT_SESSION_ID}')]).optional(),
});
const portalQuery = z.strictObject({ portal: z.literal('returned') });
const screenQuery = z.record(queryKey, queryValue).refine((q) => Object.keys(q).length <= 8, 'it has too many parameters');

function fail(reason: string): DeepLinkResult {
  return { ok: false, message: `Meterdesk cannot open this link: ${reason}.` };
}

/** The query as a plain object; refuses repeated keys (an ambiguous link is not guessed at). */
function queryOf(url: URL): Record<string, string> | string {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(query, key)) return `the parameter "${key.slice(0, 32)}" is repeated`;
    query[key] = value;
  }
  return query;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'it is malformed';
  return issue.code === 'custom' || issue.code === 'invalid_format' ? issue.message : 'its parameters are not what this kind of link carries';
}

/**
 * Parses and validates a meterdesk:// link completely. Links are
 *   meterdesk://billing/checkout?checkout=success&session_id=cs_…   (Stripe Checkout's return)
 *   meterdesk://billing/checkout?portal=returned                    (Customer Portal's return)
 *   meterdesk://invite/<token>                                      (an invitation)
 *   meterdesk://reset-password/<token>                              (a password reset link)
 *   meterdesk://open/<screen>[?key=value…]                          (a notification's screen)
 */
export function resolveDeepLink(raw: unknown): DeepLinkResult {
  if (typeof raw !== 'string') return fail('it is not text');
  if (raw.length > MAX_LENGTH) return fail(`it is longer than ${MAX_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) return fail('it contains spaces or control characters');
  const url = parseDeepLink(raw);
  if (!url) return fail('it is not a meterdesk:// link');
  // The URL parser would resolve dot segments away: judge the link as written.
  const writtenPath = raw.split(/[?#]/, 1)[0]!;
  if (/\/\.{1,2}(\/|$)|%2e/i.test(writtenPath)) return fail('its path is malformed');
  if (url.username || url.password || url.port || url.hash) return fail('it carries parts Meterdesk links never have');
  const segments = url.pathname.split('/').filter(Boolean);
  if (url.pathname.includes('//') || segments.some((s) => s === '.' || s === '..' || /%/.test(s))) return fail('its path is malformed');
  const query = queryOf(url);
  if (typeof query === 'string') return fail(query);

  switch (url.host) {
    case 'billing': {
      if (segments.join('/') !== 'checkout') return fail('it is not a billing return link');
      if ('portal' in query) {
        const portal = portalQuery.safeParse(query);
        return portal.success ? { ok: true, action: { kind: 'portal-return', route: 'billing?portal=returned' } } : fail(firstIssue(portal.error));
      }
      const parsed = checkoutQuery.safeParse(query);
      if (!parsed.success) return fail(firstIssue(parsed.error));
      const { checkout, session_id } = parsed.data;
      const sessionPart = session_id && session_id !== '{CHECKOUT_SESSION_ID}' ? `&session_id=${session_id}` : '';
      return { ok: true, action: { kind: 'checkout-return', route: `billing?checkout=${checkout}${sessionPart}` } };
    }
    case 'invite':
    case 'reset-password': {
      if (segments.length !== 1 || Object.keys(query).length > 0) return fail(`it is not a${url.host === 'invite' ? 'n invitation' : ' password reset'} link`);
      const parsed = token.safeParse(segments[0]);
      if (!parsed.success) return fail(firstIssue(parsed.error));
      return { ok: true, action: { kind: url.host === 'invite' ? 'invitation' : 'password-reset', route: `${url.host}/${parsed.data}` } };
    }
    case 'open': {
      if (segments.length !== 1) return fail('it names no screen');
      const screen = segments[0]!;
      if (!(OPENABLE_SCREENS as readonly string[]).includes(screen)) return fail('it names a screen Meterdesk does not have');
      const parsed = screenQuery.safeParse(query);
      if (!parsed.success) return fail(firstIssue(parsed.error));
      const search = new URLSearchParams(parsed.data).toString();
      return { ok: true, action: { kind: 'open-screen', route: search ? `${screen}?${search}` : screen } };
    }
    default:
      return fail('Meterdesk does not know this kind of link');
  }
}

/**
 * A console route (a notification's `link`, e.g. "usage?scope=team&id=…") as the deep link that
 * opens it, validated the same way; null when the route is not one a link may open.
 */
export function routeToOpenLink(route: string | null | undefined): string | null {
  if (!route) return null;
  const [screen, search] = route.split('?', 2) as [string, string | undefined];
  const link = `${DEEP_LINK_SCHEME}://open/${screen}${search ? `?${search}` : ''}`;
  const resolved = resolveDeepLink(link);
  return resolved.ok ? link : null;
}
