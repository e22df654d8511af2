import { expect, test } from '@playwright/test';
import { chromiumAvailable, exploreDemoAsAcmeOwner } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// The owner imports a small CSV (columns guessed from its header, one bad line shown in the
// preview), sees the contacts, opens one and opts it out; the history shows the change.
test('import contacts with mapping and preview, open one, opt it out', async ({ page }) => {
  await exploreDemoAsAcmeOwner(page);
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contacts' })).toBeVisible();

  await page.getByRole('button', { name: 'Import CSV' }).click();
  const csv = ['Full Name,Mobile,E-mail,Labels,SMS consent', 'Ana Silva,+1 (415) 555-2671,ana@example.com,"VIP, fair",yes', 'Raj Mehta,+44 20 7946 0958,,fair,', 'Broken Row,555-CALL-NOW,,,', 'Ana again,+14155552671,,newsletter,'].join('\n');
  await page.locator('input[type=file]').setInputFiles({ name: 'fair.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('fair.csv')).toBeVisible();
  // Columns guessed from the header.
  await expect(dialog.getByLabel('Column for Phone')).toHaveValue('Mobile (column 2)');
  await expect(dialog.getByLabel('Column for Tags')).toHaveValue('Labels (column 4)');
  const preview = dialog.getByRole('table', { name: 'Import preview' });
  await expect(preview.getByText('+14155552671').first()).toBeVisible();
  await expect(preview.getByText(/contains letters/)).toBeVisible();
  await expect(dialog.getByText(/1 line would be refused/)).toBeVisible();
  await expect(preview.getByText('Merged into line 2')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/contacts-import-preview.png', fullPage: true });

  await dialog.getByRole('button', { name: 'Import 4 rows' }).click();
  await expect(dialog.getByText(/4 of 4 rows: 2 added, 0 updated, 1 duplicate lines merged, 1 refused/)).toBeVisible();
  await expect(dialog.getByRole('table', { name: 'Refused lines' }).getByText('Line 4')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();

  const table = page.getByRole('table', { name: 'Contacts' });
  await expect(table.getByText('Ana again')).toBeVisible();
  await expect(table.getByText('Raj Mehta')).toBeVisible();
  await page.getByPlaceholder('Search name, phone or email').fill('415 555');
  await expect(table.getByText('Raj Mehta')).toHaveCount(0);
  await table.getByText('Ana again').click();

  const drawer = page.getByRole('dialog');
  await expect(drawer.getByText('Consent given').first()).toBeVisible();
  await drawer.getByRole('button', { name: 'Opt out' }).click();
  await page.getByRole('dialog', { name: 'Opt this number out of SMS?' }).getByRole('button', { name: 'Opt out' }).click();
  await expect(drawer.getByRole('button', { name: 'Opt back in…' })).toBeVisible();
  await expect(drawer.getByLabel('Consent history').getByText('Opted out')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/contacts-drawer-opted-out.png', fullPage: true });
  await page.keyboard.press('Escape');
  await expect(table.getByText('Opted out')).toBeVisible();

  // Contacts → Export CSV: a browser download of every contact the owner sees, with consent fields.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^contacts-\d{4}-\d{2}-\d{2}\.csv$/);
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
  expect(lines[0]).toBe('name,phone,country,email,tags,owner,owner_email,team,consent_sms,consent_source,consent_at,opt_out_sms,opt_out_at,opt_out_listed,created_at');
  const ana = lines.find((l) => l.startsWith('Ana again,+14155552671,US,ana@example.com,'));
  expect(ana).toMatch(/,no,keyword|,no,manual/);
  expect(ana).toMatch(/,yes,\d{4}-\d{2}-\d{2}T[^,]+,yes,/);
  expect(lines.find((l) => l.startsWith('Raj Mehta,+442079460958,GB,'))).toMatch(/,no,,,no,,no,/);
  await expect(page.getByText('Contacts exported')).toBeVisible();
});
