import { expect, test } from '@playwright/test';
import { billingControlPort } from '../playwright.config';
import { chromiumAvailable, exploreDemoAsAcmeOwner } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

const control = (path: string) => fetch(`http://127.0.0.1:${billingControlPort}${path}`, { method: 'POST' });

// An owner upgrades from the Billing page: Checkout opens outside the console, the customer pays on
// the (stand-in) Stripe page, and the console, polling the session, shows the new plan and limits.
// Then the renewal fails: the tenant is past due and every screen says sending is paused.
test('billing: paywall at the cap, upgrade through checkout, new limits show; a past_due tenant sees the banner', async ({ page, baseURL }) => {
  await exploreDemoAsAcmeOwner(page);

  // On Growth (hard cap), usage reported through the API reaches the SMS limit: the next send is
  // refused with 402, and the Usage screen shows the paywall, whose Upgrade leads to Billing.
  await page.goto('/#/api-keys');
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.getByLabel('Key name').fill('Sender');
  await page.getByRole('checkbox', { name: 'usage:write' }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!.trim();
  await page.getByRole('button', { name: 'Done' }).click();
  await page.goto('/#/usage');
  const used = Number(await page.getByTestId('usage-sms_sent').getAttribute('data-used'));
  const report = (quantity: number, id: string) =>
    fetch(`${baseURL}/v1/usage/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ metric: 'sms_sent', quantity, idempotencyKey: id }] }) });
  expect((await report(2500 - used, 'fill-to-cap')).status).toBe(202);
  const reserve = await fetch(`${baseURL}/v1/usage/reservations`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ metric: 'sms_sent', quantity: 1 }) });
  expect(reserve.status).toBe(402);
  expect(await reserve.json()).toMatchObject({ error: { code: 'quota_exceeded', details: { limit: 2500, remaining: 0 } } });
  await page.reload();
  const paywall = page.getByRole('dialog');
  await expect(paywall).toContainText('You reached your monthly limit (2,500/2,500). Upgrade to continue.');
  await expect(paywall.getByRole('link', { name: 'Contact sales' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/paywall.png' });
  await paywall.getByRole('button', { name: 'Upgrade' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Billing' })).toBeVisible();
  await expect(page.getByTestId('current-plan-name')).toHaveText('Growth');
  await expect(page.getByTestId('billing-usage-sms_sent')).toHaveAttribute('data-limit', '2500');

  const popup = page.waitForEvent('popup');
  await page.getByTestId('plan-pro').getByRole('button', { name: 'Upgrade' }).click();
  const checkoutPage = await popup;
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(checkoutPage.url())?.[1];
  expect(sessionId, `checkout opened at ${checkoutPage.url()}`).toBeTruthy();
  await expect(page.getByTestId('checkout-waiting')).toBeVisible();
  await checkoutPage.close();

  expect((await control(`/checkout/${sessionId}/complete`)).status).toBe(200);
  await expect(page.getByTestId('current-plan-name')).toHaveText('Pro');
  await expect(page.getByTestId('checkout-waiting')).toHaveCount(0);
  await expect(page.getByTestId('billing-usage-sms_sent')).toHaveAttribute('data-limit', '5000');
  await expect(page.getByTestId('payment-method')).toContainText('4242');
  await expect(page.getByTestId('invoice-row')).toHaveCount(1);
  await expect(page.getByTestId('invoice-row')).toContainText('Paid');
  // Tall enough for the whole page: a full-page capture would repeat the fixed shell mid-page.
  await page.setViewportSize({ width: 1280, height: 1900 });
  await page.screenshot({ path: 'test-results/screenshots/billing.png' });
  await page.setViewportSize({ width: 1280, height: 720 });

  expect((await control('/past-due')).status).toBe(200);
  await page.goto('/#/dashboard');
  await page.reload();
  const banner = page.getByTestId('subscription-banner');
  await expect(banner).toHaveAttribute('data-status', 'past_due');
  await expect(banner).toContainText('sending is paused');
  await expect(banner.getByRole('link', { name: 'Go to Billing' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/billing-past-due.png' });
});
