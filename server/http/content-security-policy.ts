// The console's Content-Security-Policy, one definition for both shells: the desktop sends it as a
// header on the app's files (electron/main.ts), browser mode on every response of its HTTP server,
// and the built index.html carries it as a <meta> tag too (electron.vite.config.ts). No inline
// scripts, no eval, nothing from another origin. Mantine injects <style> tags, hence
// 'unsafe-inline' for styles only. The dev server additionally needs React Fast Refresh's inline
// preamble and Vite's HMR websocket.
export type PolicySource = { kind: 'file' | 'served' } | { kind: 'dev-server'; url: string };

export function contentSecurityPolicy(source: PolicySource): string {
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
