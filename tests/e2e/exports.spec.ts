import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { expect, test } from '@playwright/test';
import { chromiumAvailable, exploreDemoAsAcmeOwner, signIn } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// A manager exports their team's month as a signed pack and as the events CSV, then opens the pack:
// it is intact, and its totals are the CSV's sums. Another team is not offered to them.
test('Exports: a manager exports their team’s month, opens the pack and sees the same totals', async ({ page }) => {
  await exploreDemoAsAcmeOwner(page);
  await page.context().clearCookies();
  await signIn(page, 'maya.patel@acme.test');
  await expect(page.getByRole('link', { name: 'Exports' })).toBeVisible();
  await page.getByRole('link', { name: 'Exports' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Exports' })).toBeVisible();
  // The manager's scopes: their team and themselves, not the organization or another team.
  const scope = page.getByTestId('export-scope');
  await expect(scope).toHaveValue('Team: Sales');
  await scope.click();
  await expect(page.getByRole('option', { name: 'Team: Support' })).toHaveCount(0);
  await expect(page.getByRole('option', { name: /^Organization/ })).toHaveCount(0);
  await page.keyboard.press('Escape');

  // The events CSV of the month.
  await page.getByRole('button', { name: 'Events CSV', exact: true }).click();
  const progress = page.getByTestId('export-progress');
  await expect(progress).toContainText('Ready');
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  const rows = parse(await readFile((await csvDownload.path())!), { columns: true }) as Record<string, string>[];
  expect(rows.length).toBeGreaterThan(0);
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.metric!, (sums.get(r.metric!) ?? 0) + Number(r.quantity));

  // The signed pack of the same month.
  await page.getByRole('button', { name: 'Export pack', exact: true }).click();
  await expect(progress).toContainText('.mdpack');
  await expect(progress).toContainText('Ready');
  const [packDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  expect(packDownload.suggestedFilename()).toMatch(/\.mdpack$/);
  await expect(page.getByTestId('export-history')).toContainText('Maya Patel');

  // Open it: intact, with the same totals as the CSV.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Open export pack' }).click()]);
  await chooser.setFiles((await packDownload.path())!);
  await expect(page.getByTestId('pack-verdict')).toContainText('Intact');
  await expect(page.getByTestId('pack-verdict')).toContainText('has not been changed');
  for (const [metric, quantity] of sums) {
    await expect(page.getByTestId(`pack-total-${metric}`)).toContainText(quantity.toLocaleString('en-US'));
  }
  await page.screenshot({ path: 'test-results/screenshots/exports-open-pack.png', fullPage: true });

  // A file that is not a pack is refused with a clear message.
  const [junk] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Open export pack' }).click()]);
  await junk.setFiles({ name: 'broken.mdpack', mimeType: 'application/zip', buffer: Buffer.from('PK\u0003\u0004 cut short') });
  await expect(page.getByTestId('pack-error')).toContainText('not a readable Meterdesk export pack');
});
