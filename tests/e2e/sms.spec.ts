import { expect, test } from '@playwright/test';
import { smsControlPort } from '../playwright.config';
import { chromiumAvailable, exploreDemoAsAcmeOwner } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

const control = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${smsControlPort}${path}`, { method }).then((r) => r.json() as Promise<Record<string, unknown>>);

// An owner connects SMS (the SNS stand-in), has contacts, composes a campaign, previews its cost,
// sends it and watches the counters reach completion; a recipient replying STOP is opted out.
test('SMS campaign: connect, compose, preview cost, send, complete; STOP opts out', async ({ page }) => {
  await exploreDemoAsAcmeOwner(page);

  // Settings → Channels → SMS (the AWS key pair comes from the server's environment: server mode).
  const keys = (await control('/keys')) as { accessKeyId: string; secretAccessKey: string; topicArn: string };
  await control('/channel', 'POST');
  await page.goto('/#/settings');
  await page.getByLabel('SNS topic for replies and delivery events').fill(keys.topicArn);
  await page.getByLabel('Parts per second').fill('20');
  await page.getByRole('button', { name: 'Save SMS settings' }).click();
  await expect(page.getByText(/saved/i).first()).toBeVisible();

  const { phones } = (await control('/contacts', 'POST')) as { phones: string[] };

  await page.goto('/#/campaigns');
  await page.getByRole('button', { name: 'New campaign' }).first().click();
  await page.getByLabel('Name').fill('Launch party');
  await page.getByRole('textbox', { name: 'Message' }).fill('You are invited: launch party Friday at 6 pm — RSVP in the app.');
  // The dash is not GSM-7: the counter says UCS-2.
  await expect(page.getByTestId('segment-counter')).toContainText('UCS-2');
  await page.locator('label', { hasText: /^Transactional$/ }).click();
  await page.getByPlaceholder('Everyone (no tag chosen)').click();
  await page.getByRole('option', { name: /launch-party/ }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('preview-recipients')).toHaveText('5');
  await expect(page.getByTestId('preview-cost')).toContainText('$');
  await page.getByRole('button', { name: 'Send…' }).click();
  await page.getByRole('button', { name: 'Send now' }).click();

  await expect(page.getByTestId('campaign-status')).toHaveText('Completed', { timeout: 60_000 });
  await expect(page.getByTestId('counter-sent')).toContainText('5');
  await expect(page.getByTestId('campaign-progress')).toContainText('100%');
  const published = (await control('/published')) as { phones: string[] };
  expect(published.phones.filter((p) => phones.includes(p)).sort()).toEqual([...phones].sort());
  await page.screenshot({ path: 'test-results/screenshots/sms-campaign.png', fullPage: true });

  // A recipient replies STOP: the signed notification reaches /webhooks/sns and opts the number out.
  expect(await control(`/reply?from=${encodeURIComponent(phones[0]!)}&body=${encodeURIComponent('  stop ')}`, 'POST')).toMatchObject({ status: 200 });
  await expect.poll(async () => (await control(`/opted-out?phone=${encodeURIComponent(phones[0]!)}`)).optedOut, { timeout: 15_000 }).toBe(true);
});
