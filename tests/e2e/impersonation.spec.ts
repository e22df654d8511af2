import { expect, test, type Page } from '@playwright/test';
import { E2E_LAUNCH_TOKEN as TOKEN } from '../playwright.config';
import { chromiumAvailable } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

const SUPPORT = 'supriya.help@meterdesk.test';
const DEMO_PASSWORD = 'meterdesk-demo-1';

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

// Support finds a tenant, impersonates its owner with a reason and a ticket: the banner shows, a
// write is refused while read-only; escalated with a second reason a write goes through, and the
// audit log shows both people; ending returns support to the platform console.
test('support impersonates a tenant user, read-only until escalated, audited with both actors', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByRole('button', { name: 'Explore with demo data' }).click();
  await page.getByRole('button', { name: 'Continue to sign in' }).click({ timeout: 60_000 });
  await signIn(page, SUPPORT, DEMO_PASSWORD);

  await page.goto('/#/tenants');
  await page.getByLabel('Search tenants').fill('acme');
  await page.getByTestId('tenant-acme').click();
  await page.getByRole('button', { name: 'Impersonate a user' }).click();
  const dialog = page.getByRole('dialog', { name: /Impersonate a user of Acme Messaging/ });
  await dialog.getByRole('combobox', { name: 'User' }).click();
  await page.getByRole('option', { name: /Olivia Owens/ }).click();
  await dialog.getByRole('textbox', { name: 'Reason', exact: true }).fill('Customer cannot find their Sales team budget');
  await dialog.getByLabel('Ticket reference').fill('SUP-2044');
  await dialog.getByRole('button', { name: 'Start impersonating' }).click();

  const banner = page.getByTestId('impersonation-banner');
  await expect(banner).toContainText('You are impersonating Olivia Owens');
  await expect(banner).toContainText('Acme Messaging');
  await expect(page.getByTestId('impersonation-mode')).toHaveText('Read-only');
  await expect(page.getByTestId('impersonation-time-left')).toContainText(/(29|30):\d\d left/);
  // Platform screens are gone while impersonating.
  await expect(page.getByRole('link', { name: 'Tenants' })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/impersonation-banner.png', fullPage: true });

  // A write is refused while read-only.
  await page.goto('/#/teams');
  await page.getByRole('button', { name: 'New team' }).click();
  await page.getByLabel('Team name').fill('Made by support');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByText(/This impersonation is read-only/)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Escalated with a second reason, the same write goes through.
  await banner.getByRole('button', { name: 'Allow changes…' }).click();
  await page.getByLabel('Reason for changes').fill('Customer asked us to recreate the team for them');
  await page.getByRole('button', { name: 'Allow changes', exact: true }).click();
  await expect(page.getByTestId('impersonation-mode')).toHaveText('Changes allowed');
  await page.getByRole('button', { name: 'New team' }).click();
  await page.getByLabel('Team name').fill('Made by support');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // The audit log shows the real actor and the impersonated user, and the chain verifies.
  await page.goto('/#/audit');
  const row = page.getByRole('list', { name: 'Audit events' }).getByRole('listitem').filter({ hasText: 'Created a team' }).first();
  await expect(row).toContainText('Supriya Help as Olivia Owens');
  await expect(row).toContainText('Impersonated');
  await expect(page.getByRole('list', { name: 'Audit events' })).toContainText('Started impersonating');
  await expect(page.getByTestId('audit-chain-state')).toContainText('Chain verified');
  await expect(page.getByTestId('impersonation-sessions')).toContainText('SUP-2044');
  await page.screenshot({ path: 'test-results/screenshots/impersonation-audit.png', fullPage: true });

  // Ending returns support to their own console.
  await banner.getByRole('button', { name: 'End impersonation' }).click();
  await expect(page.getByTestId('impersonation-banner')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Tenants' })).toBeVisible();
});
