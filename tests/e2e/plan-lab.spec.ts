import { expect, test, type Page } from '@playwright/test';
import { planLabControlPort } from '../playwright.config';
import { chromiumAvailable, E2E_LAUNCH_TOKEN as TOKEN } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

const FINANCE = 'felix.ledger@meterdesk.test';
const control = (path: string) => fetch(`http://127.0.0.1:${planLabControlPort}${path}`, { method: 'POST' });

async function signIn(page: Page, email?: string) {
  if (email) await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('meterdesk-demo-1');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

// The whole story: finance drafts a cheaper Starter with a lower SMS quota, saves it, sees
// in the embedded what-if replay who would have been blocked (Globex sent 600 SMS last month) and
// the MRR delta, and publishes it. The demo's Starter tenant (Globex) stays on version 1; Acme,
// buying Starter afterwards through Checkout (the Stripe stand-in), gets version 2 and its 500 SMS.
test('plan lab: finance replays and publishes a cheaper Starter; the existing Starter tenant stays on v1, a new one gets v2', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await page.getByRole('button', { name: 'Explore with demo data' }).click();
  await page.getByRole('button', { name: 'Continue to sign in' }).click({ timeout: 60_000 });
  await signIn(page, FINANCE);
  // The demo is loaded: record Globex's 600 SMS of last billing month (the replay's history).
  expect((await control('/replay-usage')).status).toBe(200);

  await page.getByRole('link', { name: 'Plan lab' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Plan lab' })).toBeVisible();
  const v1 = page.getByTestId('plan-version-1');
  await expect(v1).toContainText('$29');
  await expect(page.getByTestId('plan-version-1-subscribers')).toHaveText('1');

  await v1.getByRole('button', { name: 'New draft from v1' }).click();
  await expect(page.getByRole('heading', { name: 'Draft v2 of Starter' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Starter 2027');
  await page.getByLabel('Monthly price (USD)').fill('19');
  await page.getByLabel('Yearly price (USD)').fill('190');
  await page.getByLabel('SMS sent included').fill('500');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByText('Draft saved.')).toBeVisible();
  await expect(page.getByTestId('plan-compare')).toContainText('quotas.sms_sent');
  // Seat prices are the version's own: editable (left at the catalog's here, so the replay's figures hold).
  await expect(page.getByLabel('Seat price, monthly (USD)')).toBeEnabled();
  await expect(page.getByLabel('Seat price, yearly (USD)')).toBeEnabled();

  // The saved draft replayed against last month's usage, before anything is published.
  const replay = page.getByTestId('what-if-replay');
  await replay.getByRole('button', { name: 'Run replay' }).click();
  await expect(replay.getByTestId('replay-self-check')).toContainText('Self-check passed');
  // One Starter tenant, $10 cheaper a month; Globex's 600 SMS are 100 past the draft's 500.
  await expect(replay.getByTestId('replay-mrr-delta')).toHaveText('-$10.00');
  const globex = replay.getByTestId('replay-row').filter({ hasText: 'Globex Receptionists' });
  await expect(globex).toContainText('100 blocked');
  await expect(globex).toContainText('(sms_sent)');
  await expect(replay.getByTestId('replay-at-risk')).not.toHaveText('$0.00');

  await page.getByRole('button', { name: 'Publish…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
  const v2 = page.getByTestId('plan-version-2');
  await expect(v2).toContainText('published');
  await expect(v2).toContainText('$19');
  await expect(v2).toContainText('500');
  await expect(page.getByText('New subscribers get version 2.')).toBeVisible();
  // Globex is still on version 1.
  await expect(page.getByTestId('plan-version-1-subscribers')).toHaveText('1');
  await expect(page.getByTestId('plan-version-2-subscribers')).toHaveText('0');
  // Tall enough for the whole page: a full-page capture would repeat the fixed shell mid-page.
  await page.setViewportSize({ width: 1400, height: 1300 });
  await page.screenshot({ path: 'test-results/screenshots/plan-lab.png' });
  await page.setViewportSize({ width: 1280, height: 720 });
  await signOut(page);

  // Acme's owner buys Starter: Checkout sells version 2, whose SMS quota is 500.
  await signIn(page, 'olivia.owens@acme.test');
  await page.goto('/#/billing');
  await expect(page.getByRole('heading', { level: 1, name: 'Billing' })).toBeVisible();
  const popup = page.waitForEvent('popup');
  await page.getByTestId('plan-starter').getByRole('button').click();
  const checkoutPage = await popup;
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(checkoutPage.url())?.[1];
  expect(sessionId, `checkout opened at ${checkoutPage.url()}`).toBeTruthy();
  await checkoutPage.close();
  expect((await control(`/checkout/${sessionId}/complete`)).status).toBe(200);
  await expect(page.getByTestId('current-plan-name')).toHaveText('Starter');
  await expect(page.getByTestId('billing-usage-sms_sent')).toHaveAttribute('data-limit', '500');
  await signOut(page);

  await signIn(page, FINANCE);
  await page.getByRole('link', { name: 'Plan lab' }).click();
  await expect(page.getByTestId('plan-version-2-subscribers')).toHaveText('1');
  await expect(page.getByTestId('plan-version-1-subscribers')).toHaveText('1');
});
