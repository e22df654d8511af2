import { expect, test } from '@playwright/test';
import { offlineControlPort } from '../playwright.config';
import { chromiumAvailable, exploreDemoAsAcmeOwner } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

const control = (path: string, method = 'POST') => fetch(`http://127.0.0.1:${offlineControlPort}${path}`, { method }).then((r) => r.json() as Promise<{ postgres?: boolean; up: boolean }>);

// The shared database becomes unreachable (its network path cut) while a person is typing: the
// console says so in a banner, keeps what was typed, reconnects by itself once the database is
// back (the banner goes without a click), and the same input then goes through.
test('Offline: the banner appears while the database is unreachable, typed input stays, reconnection is automatic', async ({ page }) => {
  const status = await control('/status', 'GET');
  test.skip(!status.postgres, 'PostgreSQL is not available: the offline suite needs a shared database to cut off');
  await exploreDemoAsAcmeOwner(page);
  await page.getByRole('link', { name: 'Teams', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Teams' })).toBeVisible();
  await page.getByRole('button', { name: 'New team' }).click();
  const name = page.getByLabel('Team name');
  await name.fill('Night shift');
  const banner = page.getByTestId('offline-banner');
  await expect(banner).toBeHidden();

  // The database goes away: submitting fails, the banner says why, and the form keeps its input.
  expect((await control('/db/down')).up).toBe(false);
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('The shared database cannot be reached');
  await expect(banner).toContainText('Reconnecting automatically');
  await expect(page.getByRole('dialog')).toContainText('cannot be reached');
  await expect(name).toHaveValue('Night shift');
  // More typing while offline is kept too.
  await name.fill('Night shift EMEA');
  await page.screenshot({ path: 'test-results/screenshots/offline-banner.png' });

  // Back: the banner goes by itself (the probe's backoff), and the same form submits.
  expect((await control('/db/up')).up).toBe(true);
  await expect(banner).toBeHidden({ timeout: 45_000 });
  await expect(name).toHaveValue('Night shift EMEA');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('list', { name: 'Teams' })).toContainText('Night shift EMEA');
});
