import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { E2E_LAUNCH_TOKEN, launchOptions } from './e2e/browser';

// End-to-end tests drive Debian's Chromium against `npm run serve`. Each suite gets its own server
// on a fresh embedded database, since each starts from the first-run wizard.
const basePort = Number(process.env.E2E_PORT ?? 48731);
export { E2E_LAUNCH_TOKEN } from './e2e/browser';
const suites = ['first-run', 'members-teams', 'api-keys', 'accounts', 'billing', 'invitations', 'narrow-windows', 'contacts', 'usage-dashboards', 'alerts', 'sms-settings', 'sms', 'webhooks', 'impersonation', 'platform-admin', 'exports', 'connections', 'offline', 'plan-replay', 'plan-lab'];
// E2E_ONLY=a,b starts only those suites' servers (each starts in minutes on a loaded machine).
const selected = process.env.E2E_ONLY ? suites.filter((s) => process.env.E2E_ONLY!.split(',').includes(s)) : suites;
/** The billing suite's server runs the Stripe stand-in beside the console; its control port is here. */
export const billingControlPort = basePort + 100;
/** The SMS suite's server runs the SNS stand-in; its control port (keys, contacts, replies) is here. */
export const smsControlPort = basePort + 101;
/** The SMS settings suite's server runs a stand-in of its own; its control port is here. */
export const smsSettingsControlPort = basePort + 102;
/** The webhooks suite's server runs a webhook receiver on this port. */
export const webhooksControlPort = basePort + 103;
/** The connections suite's server (real OS keychain, an SMTP server with a login); its control port is here. */
export const connectionsControlPort = basePort + 105;
/** The offline suite's server: POST /db/down and /db/up take its database's network path down and back. */
export const offlineControlPort = basePort + 106;
/** The plan lab suite runs the billing suite's server (Stripe stand-in) with its own control port. */
export const planLabControlPort = basePort + 108;
const servers: Record<string, { script: string; controlPort: number }> = {
  billing: { script: 'tests/e2e/billing-server.ts', controlPort: billingControlPort },
  'sms-settings': { script: 'tests/e2e/sms-settings-server.ts', controlPort: smsSettingsControlPort },
  sms: { script: 'tests/e2e/sms-server.ts', controlPort: smsControlPort },
  webhooks: { script: 'tests/e2e/webhooks-server.ts', controlPort: webhooksControlPort },
  exports: { script: 'tests/e2e/exports-server.ts', controlPort: basePort + 104 },
  'plan-replay': { script: 'tests/e2e/plan-replay-server.ts', controlPort: basePort + 107 },
  connections: { script: 'tests/e2e/connections-server.ts', controlPort: connectionsControlPort },
  offline: { script: 'tests/e2e/offline-server.ts', controlPort: offlineControlPort },
  'plan-lab': { script: 'tests/e2e/billing-server.ts', controlPort: planLabControlPort },
};

export default defineConfig({
  testDir: './e2e',
  outputDir: '../test-results/e2e',
  // Screenshots the tests save on purpose land in test-results/screenshots.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]] : 'list',
  use: {
    launchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: selected.map((name, i) => ({ name, testMatch: `${name}.spec.ts`, use: { baseURL: `http://127.0.0.1:${basePort + i}` } })),
  webServer: selected.map((_, i) => ({
    command: `node node_modules/tsx/dist/cli.mjs ${servers[selected[i]!]?.script ?? 'server/serve.ts'}`,
    cwd: '..',
    url: `http://127.0.0.1:${basePort + i}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe' as const,
    env: { PORT: String(basePort + i), MD_LAUNCH_TOKEN: E2E_LAUNCH_TOKEN, DATA_DIR: mkdtempSync(join(tmpdir(), 'meterdesk-e2e-')), DATABASE_URL: '', E2E_CONTROL_PORT: String(servers[selected[i]!]?.controlPort ?? billingControlPort) },
  })),
});
