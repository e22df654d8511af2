import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { launchOptions } from './e2e/browser';

// End-to-end tests drive Debian's Chromium against `npm run serve` on a fresh embedded database.
const port = Number(process.env.E2E_PORT ?? 48731);
export const E2E_LAUNCH_TOKEN = 'e2e-launch-token-0123456789abcdef';
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'meterdesk-e2e-'));

export default defineConfig({
  testDir: './e2e',
  outputDir: '../test-results/e2e',
  // Screenshots the tests save on purpose land in test-results/screenshots.
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]] : 'list',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'node node_modules/tsx/dist/cli.mjs server/serve.ts',
    cwd: '..',
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    env: { PORT: String(port), MD_LAUNCH_TOKEN: E2E_LAUNCH_TOKEN, DATA_DIR: dataDir, DATABASE_URL: '' },
  },
});
