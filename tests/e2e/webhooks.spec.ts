import { expect, test } from '@playwright/test';
import { webhooksControlPort } from '../playwright.config';
import { chromiumAvailable, exploreDemoAsAcmeOwner } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// An admin registers an endpoint pointed at a receiver on this machine, sends a test event, sees the
// delivery succeed with its status code and latency in the log, replays it, and the receiver shows
// both deliveries of the one event with their signatures verified by the README's recipe.
test('a webhook endpoint receives signed deliveries, logged with status and latency, and a replay', async ({ page }) => {
  const receiver = `http://127.0.0.1:${webhooksControlPort}`;
  const hookUrl = `${receiver}/hooks`;
  await exploreDemoAsAcmeOwner(page);
  await page.goto('/#/webhooks');

  // The receiver is on loopback: refused until private targets are allowed.
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('URL').fill(hookUrl);
  await dialog.getByLabel('Description').fill('Receiver on this machine');
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(dialog.getByText(/Deliveries cannot go there: 127\.0\.0\.1 is a loopback/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  const allowPrivate = page.getByRole('switch', { name: 'Allow private targets' });
  // A controlled switch (its input is visually hidden; people click its label): on once the server saved it.
  await page.locator('label').filter({ has: allowPrivate }).click();
  await expect(allowPrivate).toBeChecked();

  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await dialog.getByLabel('URL').fill(hookUrl);
  await dialog.getByLabel('Description').fill('Receiver on this machine');
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = (await dialog.getByTestId('webhook-secret').textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  // The receiving service keeps the secret (an operator would paste it into its configuration).
  expect((await page.request.post(`${receiver}/secret`, { data: secret, headers: { 'content-type': 'text/plain' } })).status()).toBe(204);
  await dialog.getByRole('button', { name: 'Done' }).click();

  const row = page.getByTestId('webhook-endpoint').filter({ hasText: hookUrl });
  await expect(row).toBeVisible();
  await expect(row).not.toContainText(secret); // only its hint, never again in full
  await row.getByRole('button', { name: `More actions for ${hookUrl}` }).click();
  await page.getByRole('menuitem', { name: 'Send test event' }).click();
  await row.getByRole('button', { name: 'Deliveries' }).click();

  const drawer = page.getByRole('dialog').filter({ hasText: `Deliveries to ${hookUrl}` });
  const deliveries = drawer.getByTestId('webhook-delivery');
  await expect(deliveries).toHaveCount(1, { timeout: 30_000 });
  await expect(deliveries.first()).toContainText('succeeded', { timeout: 30_000 });
  await expect(deliveries.first()).toContainText('webhook.test');
  await expect(deliveries.first()).toContainText(/#1 .+ — 200 in \d+ ms — “received”/);
  const eventId = (await deliveries.first().textContent())!.match(/Event ([0-9a-f-]{36})/)![1]!;

  // Replay: the same event again, as a new delivery with a fresh signature.
  await deliveries.first().getByRole('button', { name: 'Replay' }).click();
  await expect(deliveries).toHaveCount(2, { timeout: 30_000 });
  const replay = deliveries.filter({ has: page.getByText('replay', { exact: true }) });
  await expect(replay).toContainText('succeeded', { timeout: 30_000 });
  await expect(replay).toContainText(`Event ${eventId}`);
  await expect(replay).toContainText(/#1 .+ — 200 in \d+ ms/);
  await page.screenshot({ path: 'test-results/screenshots/webhook-deliveries.png' });

  // The receiver's side: both deliveries of the one event, each signature verified with the secret.
  await page.goto(`${receiver}/`);
  const received = page.getByTestId('received');
  await expect(received).toHaveCount(2);
  for (const r of await received.all()) {
    await expect(r).toContainText('webhook.test');
    await expect(r).toContainText(eventId);
    await expect(r).toContainText('Signature verified');
  }
  await page.screenshot({ path: 'test-results/screenshots/webhook-receiver.png' });
});
