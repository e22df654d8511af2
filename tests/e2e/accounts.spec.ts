import { expect, test, type Page } from '@playwright/test';
import { E2E_LAUNCH_TOKEN as TOKEN } from '../playwright.config';
import { chromiumAvailable } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

const OWNER = 'olivia.owens@acme.test';
const SUPPORT = 'supriya.help@meterdesk.test';
const DEMO_PASSWORD = 'meterdesk-demo-1';

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

// Change password with the strength meter, see and revoke another session, then (no SMTP here) a
// forgotten password: the screen says who can help, support issues a link, the owner resets with it.
test('change password, revoke a session, reset a forgotten password through support', async ({ page, browser }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByRole('button', { name: 'Explore with demo data' }).click();
  await page.getByRole('button', { name: 'Continue to sign in' }).click({ timeout: 60_000 });
  await signIn(page, OWNER, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Messaging' })).toBeVisible();

  // A second browser signed in as the same person.
  const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const otherPage = await other.newPage();
  await otherPage.goto(`/?token=${TOKEN}`);
  await signIn(otherPage, OWNER, DEMO_PASSWORD);
  await expect(otherPage.getByRole('heading', { level: 1, name: 'Acme Messaging' })).toBeVisible();

  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Password and sessions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Password and sessions' })).toBeVisible();
  await expect(page.getByTestId('session-row')).toHaveCount(2);
  await expect(page.getByText('This session')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/account-sessions.png', fullPage: true });

  // Revoke the other browser's session: it is signed out there.
  await page.getByRole('button', { name: /^Revoke / }).click();
  await expect(page.getByTestId('session-row')).toHaveCount(1);
  await otherPage.reload();
  await expect(otherPage.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();

  // Change password: the meter explains a weak one, the server refuses a wrong current one.
  await page.getByLabel('Current password').fill('not-my-password-1');
  await page.getByLabel('New password', { exact: true }).fill('password12');
  await expect(page.getByTestId('password-feedback')).toContainText('commonly used password');
  await page.getByLabel('New password', { exact: true }).fill('violet-harbour-lantern-7');
  await page.getByLabel('New password again').fill('violet-harbour-lantern-7');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your current password is not right.')).toBeVisible();
  await page.getByLabel('Current password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed')).toBeVisible();

  // Sign out; "forgot password" without an email server says who can help.
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByText('No email server is set up')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/forgot-password-no-smtp.png', fullPage: true });
  await page.getByRole('link', { name: 'Back to sign in' }).click();

  // Platform support issues a link (shown once).
  await signIn(page, SUPPORT, DEMO_PASSWORD);
  await page.goto('/#/settings');
  await page.getByLabel('Their email').fill(OWNER);
  await page.getByLabel('Reason (audited)').fill('Ticket 42: identity checked by phone');
  await page.getByRole('button', { name: 'Issue link' }).click();
  const link = (await page.getByTestId('reset-link').textContent())!;
  expect(link).toMatch(/#\/reset-password\/mdr_/);
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  // Signing out ends by showing the sign-in screen; opening the link (a same-page hash change)
  // before that would be overtaken by it.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The owner opens it and chooses a new password.
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('copper-meadow-signal-42');
  await page.getByLabel('New password again').fill('copper-meadow-signal-42');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page.getByText('Your password is changed')).toBeVisible();
  // The link works once.
  await page.reload();
  await expect(page.getByText('expired or was already used')).toBeVisible();

  await page.goto('/#/sign-in');
  await signIn(page, OWNER, 'copper-meadow-signal-42');
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Messaging' })).toBeVisible();
  await other.close();

  // Deleting the organization needs its name typed; it is then read-only with a banner an owner can cancel.
  await page.goto('/#/settings');
  await page.getByRole('button', { name: 'Delete organization…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Type Acme Messaging to confirm').fill('acme messaging');
  await expect(dialog.getByText('The name does not match.')).toBeVisible();
  await dialog.getByLabel('Type Acme Messaging to confirm').fill('Acme Messaging');
  await dialog.getByRole('button', { name: 'Delete organization' }).click();
  await expect(page.getByText('This organization is being deleted')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/organization-deletion-banner.png', fullPage: true });
  await page.getByRole('button', { name: 'Cancel deletion' }).click();
  await expect(page.getByText('This organization is being deleted')).toHaveCount(0);
});
