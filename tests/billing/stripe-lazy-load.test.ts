// The `stripe` SDK (≈ 0.5 s to load) is imported only when a Stripe key is configured: loading the
// server's modules for start-up must not pull it in (stripe-sdk.ts). A module hook in a child
// process reports every import of 'stripe'.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hook = `export async function resolve(s, c, next) { if (s === 'stripe') process._rawDebug('STRIPE-IMPORTED from ' + c.parentURL); return next(s, c); }`;
const script = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
await import(${JSON.stringify(join(root, 'server/app.ts'))});
await import(${JSON.stringify(join(root, 'server/http/create-http-server.ts'))});
const { loadStripeSdk } = await import(${JSON.stringify(join(root, 'server/billing/stripe/stripe-sdk.ts'))});
process._rawDebug('MODULES-LOADED');
await loadStripeSdk();
`;

describe('start-up without a Stripe key', () => {
  it('loads the server without importing the stripe SDK, which loads on demand', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(child.status, child.stderr).toBe(0);
    const lines = child.stderr.split('\n').filter((l) => /STRIPE-IMPORTED|MODULES-LOADED/.test(l));
    // Nothing before the modules are loaded; the SDK itself once loadStripeSdk() is awaited.
    expect(lines[0]).toBe('MODULES-LOADED');
    expect(lines.slice(1).some((l) => l.includes('stripe-sdk.ts'))).toBe(true);
  });
});
