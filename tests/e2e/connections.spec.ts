import { expect, test } from '@playwright/test';
import { connectionsControlPort } from '../playwright.config';
import { chromiumAvailable, exploreDemoAsAcmeOwner, signIn } from './browser';
import { IN_CI } from '../helpers/prerequisites';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// Settings → Connections in browser mode on the real OS keychain: a super admin saves the SMTP
// connection, tests it against a real SMTP server, rotates it to a wrong password (the test says
// so), and removes it. The page only ever shows "Set …" and the last four characters.
test('connections: set, test, rotate and remove a secret in the OS keychain', async ({ page }) => {
  const control = (await (await fetch(`http://127.0.0.1:${connectionsControlPort}/`)).json()) as { smtpPort: number; keychainAvailable: boolean; keychainReason: string | null };
  if (!control.keychainAvailable && IN_CI) throw new Error(`The OS keychain is required under CI=true: ${control.keychainReason}`);
  test.skip(!control.keychainAvailable, `no OS keychain (${control.keychainReason}): run inside dbus-run-session with gnome-keyring, as npm test does`);

  await exploreDemoAsAcmeOwner(page);
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await signIn(page, 'sasha.root@meterdesk.test');
  await page.goto('/#/settings');

  const row = page.getByTestId('connection-smtp.url');
  await expect(row).toContainText('Not set');
  await expect(page.getByTestId('connection-database.url')).toContainText('Shared database URL');
  await expect(page.getByTestId('connection-stripe.secret_key')).toBeVisible();

  const good = `smtp://mailer:right-password@127.0.0.1:${control.smtpPort}`;
  await row.getByRole('button', { name: 'Set' }).click();
  await page.getByLabel(/SMTP URL/).fill(good);
  await page.getByRole('button', { name: 'Save', exact: true }).first().click();
  await expect(row).toContainText(`Set …${String(control.smtpPort).slice(-4)}`);
  await expect(page.locator('body')).not.toContainText('right-password');

  await row.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connection-test-result')).toContainText('accepted the connection and login');

  await row.getByRole('button', { name: 'Rotate' }).click();
  await page.getByLabel(/SMTP URL/).fill(`smtp://mailer:wrong-password@127.0.0.1:${control.smtpPort}`);
  await page.getByRole('button', { name: 'Save', exact: true }).first().click();
  await expect(page.getByLabel(/SMTP URL/)).toHaveCount(0);
  await row.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connection-test-result')).toContainText('refused the user name or password');

  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(row).toContainText('Not set');
  await page.screenshot({ path: 'test-results/screenshots/connections.png', fullPage: true });
});
