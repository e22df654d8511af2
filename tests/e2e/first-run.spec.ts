import { expect, test } from '@playwright/test';
import { E2E_LAUNCH_TOKEN } from '../playwright.config';
import { chromiumAvailable } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// A newcomer opens the printed link on a fresh embedded database: wizard → dashboard → sign out → sign in.
test('first-run wizard, sign-in and dashboard', async ({ page }) => {
  await page.goto(`/?token=${E2E_LAUNCH_TOKEN}`);
  await expect(page.getByRole('heading', { name: 'Welcome to Meterdesk' })).toBeVisible();

  await page.getByRole('button', { name: 'Set up my organization' }).click();
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Work email').fill('ada@engines.test');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Organization name').fill('Analytical Engines Ltd');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible();

  await page.getByLabel('Password', { exact: true }).fill('difference-engine-2');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Analytical Engines Ltd' })).toBeVisible();
  await expect(page.getByTestId('current-role')).toHaveText('Owner');

  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();

  await page.getByLabel('Work email').fill('ada@engines.test');
  await page.getByLabel('Password', { exact: true }).fill('wrong-password-1');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText(/email or password is not right/)).toBeVisible();

  await page.getByLabel('Password', { exact: true }).fill('difference-engine-2');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Analytical Engines Ltd' })).toBeVisible();
  await expect(page.getByTestId('current-role')).toHaveText('Owner');
  await page.screenshot({ path: 'test-results/screenshots/dashboard.png', fullPage: true });
});
