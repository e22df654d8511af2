import { expect, test } from '@playwright/test';
import { smsSettingsControlPort } from '../playwright.config';
import { chromiumAvailable, exploreDemoAsAcmeOwner } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

const control = (path: string, body?: unknown) =>
  fetch(`http://127.0.0.1:${smsSettingsControlPort}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// An owner connects SMS to (the stand-in of) AWS SNS in Settings → Channels → SMS: the keys go to
// the keychain and come back as last four only; Test connection shows the sandbox and spend limit;
// the sending number is picked from AWS's list. A reply that reads like a revocation waits in the
// review card, and "Opt out" settles it.
test('sms settings: connect, test, pick the sender; a revocation-like reply is reviewed', async ({ page }) => {
  const aws = (await (await control('/credentials')).json()) as { accessKeyId: string; secretAccessKey: string; topicArn: string };
  await exploreDemoAsAcmeOwner(page);
  await page.goto('/#/settings');
  const card = page.getByTestId('sms-channel-card');
  await expect(card).toContainText('Not set');

  await card.getByLabel('AWS access key ID').fill(aws.accessKeyId);
  await card.getByLabel('Secret access key').fill(aws.secretAccessKey);
  await card.getByRole('button', { name: 'Save keys' }).click();
  await expect(card).toContainText(`Set …${aws.accessKeyId.slice(-4)}`);
  await expect(page.locator('body')).not.toContainText(aws.secretAccessKey);

  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByTestId('sms-test-result')).toContainText('in the SMS sandbox');
  await expect(card.getByTestId('sms-account-status')).toContainText('Monthly spend limit: 250 USD');

  await card.getByLabel('Sending number').click();
  await page.getByRole('option', { name: /\+18445550100 · TOLL_FREE · ACTIVE · 3 parts\/s/ }).click();
  await expect(card.getByLabel('Parts per second')).toHaveValue('3');
  await card.getByLabel('SNS topic for replies and delivery events').fill(aws.topicArn);
  await card.getByLabel('HELP reply').fill('Acme Messaging: help@acme.test. Msg & data rates may apply. Reply STOP to opt out.');
  await card.getByRole('button', { name: 'Save SMS settings' }).click();
  await expect(card.getByText('Saved.')).toBeVisible();

  const reply = (await (await control('/inbound', { from: '+14155550142', body: 'please stop texting me' })).json()) as { status: number; body: string };
  expect(reply.status).toBe(200);
  await page.reload();
  const review = page.getByTestId('sms-review-card');
  await expect(review).toContainText('please stop texting me');
  await expect(review).toContainText('1 waiting');
  await card.scrollIntoViewIfNeeded();
  await page.setViewportSize({ width: 1280, height: 2000 });
  await page.screenshot({ path: 'test-results/screenshots/sms-settings.png' });
  await review.getByRole('button', { name: 'Opt out' }).click();
  await expect(review).toContainText('Opted out');
  await expect(review).not.toContainText('waiting');
});
