// Pure helpers behind the window's security rules (no `electron` import, so tests load them in
// plain Node): which URLs count as the app's own, the Content-Security-Policy it is served with,
// and which permission requests are granted (none).
import { contentSecurityPolicy as policyFor } from '../server/http/content-security-policy';

/** Where the renderer comes from: the built index.html (file://) or, in `electron-vite dev`, Vite's server. */
export type RendererSource = { kind: 'file'; url: string } | { kind: 'dev-server'; url: string };

/** The console's CSP (server/http/content-security-policy.ts: the same policy browser mode sends). */
export function contentSecurityPolicy(source: RendererSource): string {
  return policyFor(source.kind === 'dev-server' ? source : { kind: 'file' });
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

/**
 * Permission requests and checks (camera, microphone, geolocation, notifications, clipboard,
 * MIDI, HID, serial…): the console needs none of them — native notifications come from the main
 * process, not the page — so every one is denied, for every origin.
 */
export function permissionRequestDecision(_permission: string, _requestingUrl?: string): boolean {
  return false;
}

/** A new window the page asks for: always denied; web links go to the system browser. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isExternalWebUrl(url) };
}

/** A navigation the page starts: allowed only to the app itself; web links go to the system browser. */
export function navigationDecision(url: string, source: RendererSource): { allow: boolean; openExternally: boolean } {
  if (isAppUrl(url, source)) return { allow: true, openExternally: false };
  return { allow: false, openExternally: isExternalWebUrl(url) };
}

/** The window's webPreferences: the renderer has no Node, is sandboxed and isolated, web security on. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  } as const;
}
