import { expect, test } from '@playwright/test';
import { chromiumAvailable, exploreDemoAsAcmeOwner } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// The invitations tab at scale: search by email, filter by status, bulk resend and bulk revoke of
// the selected rows, with what was done reported per invitation.
test('search, filter by status, bulk resend and bulk revoke invitations', async ({ page }) => {
  await exploreDemoAsAcmeOwner(page);
  await page.goto('/#/members');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await page.getByLabel('Or paste the CSV').fill('email,role,team\nbulk.one@example.com,member,\nbulk.two@example.com,guest,\nother.three@example.com,member,');
  await page.getByRole('button', { name: 'Check rows' }).click();
  await page.getByRole('button', { name: 'Invite 3 people' }).click();
  await expect(page.getByText('Invitations ready')).toBeVisible();
  await page.keyboard.press('Escape');

  await page.getByRole('tab', { name: /Invitations/ }).click();
  const table = page.getByRole('table', { name: 'Invitations' });
  await expect(table.getByText('other.three@example.com')).toBeVisible();
  await page.getByLabel('Search invitations by email').fill('BULK');
  await expect(table.getByText('other.three@example.com')).toHaveCount(0);
  await expect(table.getByText('bulk.one@example.com')).toBeVisible();
  await expect(table.getByText('bulk.two@example.com')).toBeVisible();

  await page.getByLabel('Select every open invitation shown').check();
  await expect(page.getByText('2 invitations selected')).toBeVisible();
  await page.getByRole('button', { name: 'Resend 2 invitations' }).click();
  const resent = page.getByRole('dialog', { name: '2 invitations resent' });
  await expect(resent.getByText(/previous links no longer work/)).toBeVisible();
  await resent.getByRole('button', { name: 'Done' }).click();
  await expect(table.getByText('sent 2 times')).toHaveCount(2);

  await page.getByLabel('Select every open invitation shown').check();
  await page.getByRole('button', { name: 'Revoke 2 invitations' }).click();
  await page.getByRole('dialog', { name: 'Revoke 2 invitations?' }).getByRole('button', { name: 'Revoke 2 invitations' }).click();
  const revoked = page.getByRole('dialog', { name: '2 invitations revoked' });
  await expect(revoked.getByText('Their links no longer work.')).toBeVisible();
  await revoked.getByRole('button', { name: 'Done' }).click();
  await expect(table.getByText(/No invitation matches/)).toBeVisible();

  await page.locator('.mantine-SegmentedControl-label', { hasText: 'Revoked' }).click();
  await expect(table.getByText('bulk.one@example.com')).toBeVisible();
  await expect(table.getByText('Revoked')).toHaveCount(2);
  // Closed invitations offer no actions and cannot be selected.
  await expect(table.getByRole('button', { name: /Resend the invitation/ })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/invitations-revoked-filter.png', fullPage: true });
});
