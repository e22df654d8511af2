// Pure helpers behind the window's security rules (no `electron` import, so tests load them in
// plain Node): which URLs count as the app's own, and the Content-Security-Policy it is served with.

/** Where the renderer comes from: the built index.html (file://) or, in `electron-vite dev`, Vite's server. */
export type RendererSource = { kind: 'file'; url: string } | { kind: 'dev-server'; url: string };

/**
 * The console's CSP, sent as a header on the app's responses. The renderer build injects the same
 * policy as a <meta> tag (electron.vite.config.ts), so browser mode has it too; frame-ancestors
 * only works as a header. Mantine injects <style> tags, hence 'unsafe-inline'
 * for styles only. The dev server additionally needs React Fast Refresh's inline preamble and
 * Vite's HMR websocket.
 */
export function contentSecurityPolicy(source: RendererSource): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  if (source.kind === 'dev-server') {
    const origin = new URL(source.url);
    directives['script-src']!.push("'unsafe-inline'");
    directives['connect-src']!.push(`ws://${origin.host}`, `wss://${origin.host}`);
  }
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * True when `candidate` is one of the app's own pages: the same file as the built index.html
 * (any hash or query, since the console routes by hash), or the same origin as the dev server.
 */
export function isAppUrl(candidate: string | undefined, source: RendererSource): boolean {
  const parsed = parseBoth(candidate, source);
  if (!parsed) return false;
  const { url, app } = parsed;
  if (source.kind === 'file') return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
  return url.origin === app.origin;
}

/** The candidate and the app's own URL, parsed; null when either is not a valid URL. */
function parseBoth(candidate: string | undefined, source: RendererSource): { url: URL; app: URL } | null {
  if (!candidate) return null;
  try {
    return { url: new URL(candidate), app: new URL(source.url) };
  } catch {
    return null;
  }
}

/** True for a response that belongs to the app (its page, scripts, styles), which gets the CSP header. */
export function isAppResource(candidate: string, source: RendererSource): boolean {
  const parsed = parseBoth(candidate, source);
  if (!parsed) return false;
  const { url, app } = parsed;
  if (source.kind === 'file') {
    const rendererDir = app.pathname.slice(0, app.pathname.lastIndexOf('/') + 1);
    return url.protocol === 'file:' && url.pathname.startsWith(rendererDir);
  }
  return url.origin === app.origin;
}

/** Links the console may hand to the system browser: http(s) only, never file:, javascript:, custom schemes. */
export function isExternalWebUrl(candidate: string): boolean {
  try {
    const { protocol } = new URL(candidate);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
