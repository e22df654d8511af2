import { expect, test, type Page } from '@playwright/test';
import { E2E_LAUNCH_TOKEN as TOKEN } from '../playwright.config';
import { chromiumAvailable } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

const ROOT = 'sasha.root@meterdesk.test';
const FINANCE = 'felix.ledger@meterdesk.test';
const NEW_SUPPORT = 'nora.newhire@meterdesk.test';
const DEMO_PASSWORD = 'meterdesk-demo-1';

async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

// A super admin invites a support person; support filters tenants, opens one and adds a note;
// finance opens Revenue and sees the MRR of the demo's paid subscriptions (Growth $59 + Starter $29).
test('invite support staff; support filters tenants and adds a note; finance sees MRR', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByRole('button', { name: 'Explore with demo data' }).click();
  await page.getByRole('button', { name: 'Continue to sign in' }).click({ timeout: 60_000 });
  await signIn(page, ROOT);

  // Super admin: Platform → Staff → Invite.
  await page.getByRole('link', { name: 'Staff' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Staff' })).toBeVisible();
  await page.getByRole('button', { name: 'Invite staff' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Email').fill(NEW_SUPPORT);
  await dialog.getByLabel('Name').fill('Nora Newhire');
  await expect(dialog.getByRole('combobox', { name: 'Platform role' })).toHaveValue('Support');
  await dialog.getByLabel('Reason').fill('New support hire, ticket HR-7');
  await dialog.getByRole('button', { name: 'Invite' }).click();
  const link = (await page.getByTestId('staff-invite-link').textContent())!;
  expect(link).toMatch(/#\/reset-password\/mdr_/);
  await expect(page.getByTestId(`staff-${NEW_SUPPORT}`)).toContainText('Invited');
  await page.screenshot({ path: 'test-results/screenshots/platform-staff.png', fullPage: true });
  await signOut(page);

  // The new support person sets a password with the link and signs in.
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('amber-quartz-ferry-61');
  await page.getByLabel('New password again').fill('amber-quartz-ferry-61');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page.getByText('Your password is changed')).toBeVisible();
  await page.goto('/#/sign-in');
  await signIn(page, NEW_SUPPORT, 'amber-quartz-ferry-61');

  // Support sees tenants but not revenue or staff.
  await expect(page.getByRole('link', { name: 'Tenants' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Revenue' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Staff' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Tenants' }).click();
  await expect(page.getByTestId('tenant-acme')).toBeVisible();
  await page.getByRole('combobox', { name: 'Plan' }).click();
  await page.getByRole('option', { name: 'Starter' }).click();
  await expect(page.getByTestId('tenant-globex')).toBeVisible();
  await expect(page.getByTestId('tenant-acme')).toHaveCount(0);
  await page.getByTestId('tenant-globex').click();
  await expect(page.getByTestId('tenant-detail')).toContainText('Globex Receptionists');
  await page.getByRole('tab', { name: /Notes/ }).click();
  await page.getByLabel('Add a note').fill('Asked about yearly billing; call back Monday.');
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(page.getByTestId('admin-note')).toContainText('Asked about yearly billing; call back Monday.');
  await expect(page.getByTestId('admin-note')).toContainText('Nora Newhire');
  await page.screenshot({ path: 'test-results/screenshots/platform-tenant-note.png', fullPage: true });
  await signOut(page);

  // Finance: Revenue shows the MRR.
  await signIn(page, FINANCE);
  await page.getByRole('link', { name: 'Revenue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Revenue' })).toBeVisible();
  await expect(page.getByTestId('revenue-mrr')).toHaveText('$88');
  await expect(page.getByRole('link', { name: 'Staff' })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/platform-revenue.png', fullPage: true });
});
