import type { Database } from '../db/open-database';
import type { Clock } from '../clock';

/** "Desktop app" or "Browser", and a short device name, from a session's user agent. */
export function describeUserAgent(userAgent: string | null): { transport: 'desktop' | 'browser' | 'unknown'; device: string } {
  if (!userAgent) return { transport: 'unknown', device: 'Unknown device' };
  const transport = /\bElectron\//.test(userAgent) || /\bMeterdesk\//i.test(userAgent) ? 'desktop' : 'browser';
  const os = /Windows/.test(userAgent) ? 'Windows' : /Mac OS X|Macintosh/.test(userAgent) ? 'macOS' : /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /CrOS/.test(userAgent) ? 'ChromeOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  const browser = transport === 'desktop' ? 'Meterdesk' : /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : null;
  const device = [browser, os && `on ${os}`].filter(Boolean).join(' ');
  return { transport, device: device || 'Unknown device' };
}

/** The user's live sessions, the current one first (marked), then by latest activity. */
export async function listSessions(db: Database, input: { userId: string; currentSessionId: string }, clock: Clock) {
  const sessions = await db.prisma.session.findMany({
    where: { userId: input.userId, revokedAt: null, expiresAt: { gt: clock.now() } },
    orderBy: { lastSeenAt: 'desc' },
    select: { id: true, userAgent: true, createdAt: true, lastSeenAt: true, expiresAt: true },
    take: 100,
  });
  const described = sessions.map(({ userAgent, ...s }) => ({ ...s, ...describeUserAgent(userAgent), current: s.id === input.currentSessionId }));
  // This session first: the one a person recognises, and the one they should not revoke by mistake.
  return [...described.filter((s) => s.current), ...described.filter((s) => !s.current)];
}
