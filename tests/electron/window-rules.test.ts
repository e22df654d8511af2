// The rules main.ts applies to the window, tested as the pure functions they are.
import { describe, expect, it } from 'vitest';
import { describeDeepLink, findDeepLinkInArgv, parseDeepLink } from '../../electron/deep-link';
import { contentSecurityPolicy, isAppResource, isAppUrl, isExternalWebUrl, type RendererSource } from '../../electron/security';

const built: RendererSource = { kind: 'file', url: 'file:///opt/Meterdesk/resources/app.asar/out/renderer/index.html' };
const dev: RendererSource = { kind: 'dev-server', url: 'http://localhost:5173/' };

describe('navigation stays on the app', () => {
  it('accepts the built page with any hash or query, and nothing else on disk', () => {
    expect(isAppUrl(built.url, built)).toBe(true);
    expect(isAppUrl(`${built.url}#/organization/members`, built)).toBe(true);
    expect(isAppUrl(`${built.url}?x=1`, built)).toBe(true);
    expect(isAppUrl('file:///opt/Meterdesk/resources/app.asar/out/renderer/other.html', built)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', built)).toBe(false);
    expect(isAppUrl('https://example.com/', built)).toBe(false);
    expect(isAppUrl('not a url', built)).toBe(false);
    expect(isAppUrl(undefined, built)).toBe(false);
  });

  it('accepts only the dev server origin in development', () => {
    expect(isAppUrl('http://localhost:5173/#/settings', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
  });

  it('treats files under the renderer folder as the app’s resources (they get the CSP)', () => {
    expect(isAppResource('file:///opt/Meterdesk/resources/app.asar/out/renderer/assets/index-abc.js', built)).toBe(true);
    expect(isAppResource('file:///opt/Meterdesk/resources/app.asar/out/main/main.js', built)).toBe(false);
    expect(isAppResource('https://example.com/x.js', built)).toBe(false);
  });

  it('sends only http(s) links to the system browser', () => {
    expect(isExternalWebUrl('https://stripe.com/docs')).toBe(true);
    expect(isExternalWebUrl('http://example.com')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'meterdesk://invite/x', 'smb://host/share', 'nonsense']) {
      expect(isExternalWebUrl(url), url).toBe(false);
    }
  });
});

describe('content security policy', () => {
  it('is strict for the built app', () => {
    const csp = contentSecurityPolicy(built);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('lets the dev server run Fast Refresh and its websocket, nothing more', () => {
    const csp = contentSecurityPolicy(dev);
    expect(csp).toMatch(/script-src 'self' 'unsafe-inline'/);
    expect(csp).toContain("connect-src 'self' ws://localhost:5173 wss://localhost:5173");
    expect(csp).not.toContain('unsafe-eval');
  });
});

describe('meterdesk:// deep links', () => {
  it('accepts well-formed meterdesk links only', () => {
    expect(parseDeepLink('meterdesk://invite/abc?org=1')?.host).toBe('invite');
    expect(parseDeepLink('https://meterdesk.example/invite')).toBeUndefined();
    expect(parseDeepLink('meterdesk:')).toBeDefined();
    expect(parseDeepLink(`meterdesk://invite/${'x'.repeat(3000)}`)).toBeUndefined();
    expect(parseDeepLink(42)).toBeUndefined();
  });

  it('finds the link among command-line arguments (Windows and Linux launches)', () => {
    expect(findDeepLinkInArgv(['/opt/Meterdesk/meterdesk', '--no-sandbox', 'meterdesk://invite/tok'])).toBe('meterdesk://invite/tok');
    expect(findDeepLinkInArgv(['/opt/Meterdesk/meterdesk', '.'])).toBeUndefined();
  });

  it('describes a link for logs without its path or query', () => {
    const described = describeDeepLink(parseDeepLink('meterdesk://invite/SECRET-TOKEN?email=a@b.test')!);
    expect(described).toBe('meterdesk://invite/…');
    expect(described).not.toContain('SECRET');
  });
});
