import { expect, test } from '@playwright/test';
import { chromiumAvailable, exploreDemoAsAcmeOwner, signIn } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// A member's sends reach 80 % of their personal limit: they see the notification with an unread
// count in the header, it links to their usage, and the warning email (seed 003) is in the outbox.
test('a member at 80 % of their limit is notified in the console and by email', async ({ page, browser, baseURL }) => {
  await exploreDemoAsAcmeOwner(page);

  // A key for the service that reports sends.
  await page.goto('/#/api-keys');
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.getByLabel('Key name').fill('WhatsApp sender');
  await page.getByRole('checkbox', { name: 'usage:write' }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!.trim();
  await page.getByRole('button', { name: 'Done' }).click();

  // Ethan Brown may send 100 WhatsApp messages a month.
  await page.goto('/#/members');
  await page.getByText('ethan.brown@acme.test').click();
  const drawer = page.getByRole('dialog');
  await drawer.getByPlaceholder('Add a limit').click();
  await page.getByRole('option', { name: 'WhatsApp messages', exact: true }).click();
  await drawer.getByRole('textbox', { name: 'WhatsApp messages' }).fill('100');
  await drawer.getByRole('button', { name: 'Save limits' }).click();
  await expect(drawer.getByRole('button', { name: 'Save limits' })).toHaveCount(0);
  await page.keyboard.press('Escape');

  // His user id, as the sending service knows it.
  const listed = await page.request.get(`/trpc/members.list?input=${encodeURIComponent(JSON.stringify({ json: { search: 'ethan.brown' } }))}`);
  expect(listed.status()).toBe(200);
  const find = (value: unknown): string | undefined => {
    if (!value || typeof value !== 'object') return undefined;
    const o = value as Record<string, unknown>;
    if (o.email === 'ethan.brown@acme.test' && typeof o.userId === 'string') return o.userId;
    for (const v of Object.values(o)) {
      const found = find(v);
      if (found) return found;
    }
    return undefined;
  };
  const ethanId = find(await listed.json());
  expect(ethanId).toBeTruthy();

  // 80 messages sent on his behalf: 80 %.
  const events = Array.from({ length: 8 }, (_, i) => ({ metric: 'wa_messages', quantity: 10, idempotencyKey: `wa-e2e-${i}`, user: ethanId }));
  const sent = await fetch(`${baseURL}/v1/usage/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  expect(sent.status).toBe(202);
  expect(await sent.json()).toMatchObject({ accepted: 8 });

  // Ethan signs in: the bell shows one unread notification.
  const context = await browser.newContext({ baseURL });
  const ethan = await context.newPage();
  await signIn(ethan, 'ethan.brown@acme.test');
  const bell = ethan.getByTestId('notification-count');
  await expect(bell).toHaveAttribute('data-count', '1', { timeout: 30_000 });
  await expect(ethan.getByRole('button', { name: 'Notifications, 1 unread' })).toBeVisible();
  await ethan.getByRole('button', { name: 'Notifications, 1 unread' }).click();
  const item = ethan.getByTestId('notification-item').first();
  await expect(item).toContainText('WhatsApp messages at 80% — Ethan Brown');
  await expect(item).toContainText('Ethan Brown used 80 of 100 messages (monthly limit)');
  await ethan.screenshot({ path: 'test-results/screenshots/notification-centre.png' });
  await item.click();
  await expect(bell).toHaveAttribute('data-count', '0');
  await expect(ethan).toHaveURL(/#\/usage\?scope=user&id=[0-9a-f-]{36}&metric=wa_messages$|#\/dashboard/);
  await context.close();

  // The warning email is in the outbox (no SMTP on this console).
  await page.goto('/#/members');
  await page.getByRole('tab', { name: 'Outbox' }).click();
  await expect(page.getByText("Ethan Brown's usage is at 80% (WhatsApp messages)")).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/alert-email-outbox.png' });
});
