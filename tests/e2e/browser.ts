import { existsSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { requirePrerequisite } from '../helpers/prerequisites';

/** The per-launch token every e2e console server is started with. */
export const E2E_LAUNCH_TOKEN = 'e2e-launch-token-0123456789abcdef';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium with the flags this network-less machine needs. */
export const chromiumAvailable = requirePrerequisite(
  'Chromium',
  existsSync(CHROMIUM_PATH) ? { ok: true } : { ok: false, reason: `no browser at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)` },
);

export const launchOptions = {
  executablePath: CHROMIUM_PATH,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

/**
 * First run on a fresh console: loads the demo data and signs in as its first demo account
 * (Olivia Owens, owner of Acme Messaging, prefilled by the demo screen).
 */
export async function exploreDemoAsAcmeOwner(page: Page) {
  await page.goto(`/?token=${E2E_LAUNCH_TOKEN}`);
  await page.getByRole('button', { name: 'Explore with demo data' }).click();
  await page.getByRole('button', { name: 'Continue to sign in' }).click({ timeout: 60_000 });
  await page.getByLabel('Password', { exact: true }).fill('meterdesk-demo-1');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Messaging' })).toBeVisible();
}

/** Opens the console with its launch link and signs in (demo accounts share one password). */
export async function signIn(page: Page, email: string, password = 'meterdesk-demo-1') {
  await page.goto(`/?token=${E2E_LAUNCH_TOKEN}`);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
