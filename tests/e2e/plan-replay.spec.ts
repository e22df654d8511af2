// What-if replay (issue 14): finance drafts a cheaper Starter with a lower SMS quota, replays last
// months' recorded usage, and sees who would have been blocked, the MRR delta and the self-check.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { E2E_LAUNCH_TOKEN as TOKEN } from '../playwright.config';
import { chromiumAvailable } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

test('finance replays a cheaper Starter with a lower SMS quota: who is blocked, MRR delta, self-check, CSV', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByLabel('Work email').fill('felix.ledger@meterdesk.test');
  await page.getByLabel('Password', { exact: true }).fill('meterdesk-demo-1');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  await page.getByRole('link', { name: 'What-if replay' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'What-if replay' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Plan' })).toHaveValue('Starter');
  await page.getByLabel('Monthly price (USD)').fill('19');
  await page.getByLabel('SMS sent').fill('500');
  await page.getByRole('button', { name: 'Run replay' }).click();

  await expect(page.getByTestId('replay-self-check')).toContainText('Self-check passed');
  // One Starter tenant, $10 cheaper a month; Globex sent 600 SMS last month: 100 past the new quota.
  await expect(page.getByTestId('replay-mrr-delta')).toHaveText('-$10.00');
  const globex = page.getByTestId('replay-row').filter({ hasText: 'Globex Receptionists' });
  await expect(globex).toContainText('100 blocked');
  await expect(globex).toContainText('(sms_sent)');
  await expect(page.getByTestId('replay-at-risk')).not.toHaveText('$0.00');
  await page.screenshot({ path: 'test-results/screenshots/plan-replay.png', fullPage: true });

  // Sorting by the blocked column puts Globex first either way it is the only row with blocks.
  await page.getByRole('button', { name: 'Blocked' }).click();
  await page.getByRole('button', { name: 'Blocked' }).click();
  await expect(page.getByTestId('replay-row').first()).toContainText('Globex Receptionists');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv).toMatch(/^organization_id,tenant,before_usd,after_usd,delta_usd/);
  expect(csv).toContain('Globex Receptionists');
  expect(csv).toMatch(/\nTOTAL,1 tenants,/);
});
