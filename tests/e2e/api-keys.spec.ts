import { expect, test } from '@playwright/test';
import { chromiumAvailable, exploreDemoAsAcmeOwner } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// An owner creates an API key in the console, a service reports usage with it, the usage screen
// shows it, and a revoked key stops working.
test('API key: create, report usage, see it, revoke', async ({ page, baseURL }) => {
  await exploreDemoAsAcmeOwner(page);

  await page.goto('/#/api-keys');
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.getByLabel('Key name').fill('Campaign sender');
  await page.getByRole('checkbox', { name: 'usage:write' }).check();
  await page.getByRole('checkbox', { name: 'usage:read' }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!.trim();
  expect(key).toMatch(/^mdk_[0-9a-f]{12}_/);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText('Campaign sender')).toBeVisible();
  await expect(page.getByText(key)).toHaveCount(0); // shown once

  const usageBefore = Number(await page.goto('/#/usage').then(() => page.getByTestId('usage-sms_sent').getAttribute('data-used')));
  const events = Array.from({ length: 50 }, (_, i) => ({ metric: 'sms_sent', quantity: 2, idempotencyKey: `e2e-${i}` }));
  const post = () => fetch(`${baseURL}/v1/usage/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  const sent = await post();
  expect(sent.status).toBe(202);
  expect(await sent.json()).toMatchObject({ accepted: 50 });

  await page.reload();
  await expect(page.getByTestId('usage-sms_sent')).toHaveAttribute('data-used', String(usageBefore + 100));
  await page.screenshot({ path: 'test-results/screenshots/usage.png', fullPage: true });

  await page.goto('/#/api-keys');
  await page.getByRole('button', { name: 'Revoke Campaign sender' }).click();
  await page.getByRole('button', { name: 'Revoke key' }).click();
  // Every server re-checks cached keys within seconds.
  await expect.poll(async () => (await post()).status, { timeout: 15_000 }).toBe(401);
});
