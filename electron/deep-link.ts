// meterdesk:// links (invitations will use them). Pure helpers, no `electron` import.

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
