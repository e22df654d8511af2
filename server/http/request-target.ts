// What a request target means, decided once on its parsed path, so that the checks (launch token,
// Host) and fastify's router cannot disagree about which route a request reaches. The router
// (find-my-way) strips a scheme and host from absolute-form targets and percent-decodes paths and
// parameters; a raw prefix test of req.url did neither, which let `GET http://host/trpc/…` skip
// the launch token. So only canonical origin-form targets are served at all: for each of them the
// raw text, the normalised path and the router's view are one and the same.

/** Route families of the HTTP server, by the first path segment (case-sensitive, like the router). */
export type RouteFamily = 'trpc' | 'v1' | 'api' | 'webhooks' | 'console';

export type RequestTarget = { ok: true; path: string; family: RouteFamily } | { ok: false; code: 'target_not_origin_form' | 'target_not_normalised'; message: string };

// RFC 3986 §2.3: percent-encoding these is never needed, and a normaliser decodes them.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Parses `req.url` (the request target exactly as received) and says whether it may be served. */
export function parseRequestTarget(rawTarget: string): RequestTarget {
  // Origin-form only (RFC 9112 §3.2.1): absolute-form (`http://host/path`), authority-form and
  // asterisk-form (`*`) name no path of ours, and proxies are not a use case of a loopback console.
  if (!rawTarget.startsWith('/') || rawTarget.startsWith('//')) {
    return { ok: false, code: 'target_not_origin_form', message: 'The request target must be a path starting with a single "/" (origin form), not a full URL, "*" or a host.' };
  }
  const query = rawTarget.indexOf('?');
  const path = query === -1 ? rawTarget : rawTarget.slice(0, query);
  const problem = normalisationProblem(path);
  if (problem) return { ok: false, code: 'target_not_normalised', message: `The request path is not normalised: ${problem}. Send the canonical path.` };
  const first = path.split('/')[1] ?? '';
  const family: RouteFamily = first === 'trpc' || first === 'v1' || first === 'api' || first === 'webhooks' ? first : 'console';
  return { ok: true, path, family };
}

function normalisationProblem(path: string): string | null {
  if (path.includes('\\')) return 'it contains a backslash';
  if (path.includes(';')) return 'it contains ";" (matrix parameters are not supported)';
  if (path.includes('//')) return 'it contains an empty segment ("//")';
  for (const match of path.matchAll(/%([0-9A-Fa-f]{2})?/g)) {
    if (!match[1]) return 'it contains a "%" that is not a percent-encoding';
    const char = String.fromCharCode(parseInt(match[1], 16));
    if (char === '/' || char === '\\') return 'it contains an encoded slash or backslash';
    if (UNRESERVED.test(char)) return `it percent-encodes "${char}", which must be sent as is`;
  }
  const segments = path.split('/');
  if (segments.some((s) => s === '.' || s === '..')) return 'it contains "." or ".." segments';
  // Whatever else a WHATWG URL parser would rewrite (the router and browsers parse the same way).
  let parsed: string;
  try {
    parsed = new URL(path, 'http://localhost').pathname;
  } catch {
    return 'it cannot be parsed';
  }
  if (parsed !== path) return `it reads as ${JSON.stringify(parsed)}`;
  return null;
}
