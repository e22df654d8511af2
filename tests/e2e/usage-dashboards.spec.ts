import { expect, test } from '@playwright/test';
import { chromiumAvailable, exploreDemoAsAcmeOwner, signIn } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// A manager opens Usage on their team, drills into one of their people and on to that person's
// events, and opens one; people of other teams and the organization's totals stay out of reach.
test('Usage dashboards: a manager drills from team to person to events', async ({ page }) => {
  await exploreDemoAsAcmeOwner(page);
  // The owner sees the organization, by team.
  await page.goto('/#/usage');
  await expect(page.getByTestId('usage-dashboard-organization')).toBeVisible();
  await expect(page.getByTestId('usage-breakdown')).toContainText('Sales');
  await expect(page.getByTestId('daily-usage-chart')).toBeVisible();

  await page.context().clearCookies();
  await signIn(page, 'maya.patel@acme.test');
  await expect(page.getByRole('link', { name: 'Usage' })).toBeVisible();
  await page.getByRole('link', { name: 'Usage' }).click();

  // Team: the manager lands on the team they manage.
  await expect(page.getByTestId('usage-dashboard-team')).toBeVisible();
  await expect(page.getByTestId('usage-scope-name')).toHaveText('Sales');
  await expect(page.getByLabel('Usage drill-down')).not.toContainText('Organization');
  const people = page.getByTestId('usage-breakdown');
  await expect(people).toContainText('Sam Taylor');
  await expect(people).not.toContainText('Noah Schmidt'); // Support, not theirs
  await expect(people).not.toContainText('Olivia Owens');

  // Person.
  await people.getByRole('link', { name: 'Sam Taylor' }).click();
  await expect(page.getByTestId('usage-dashboard-user')).toBeVisible();
  await expect(page.getByTestId('usage-scope-name')).toHaveText('Sam Taylor');
  await expect(page.getByLabel('Usage drill-down')).toContainText('Sales');

  // Events.
  await page.getByRole('link', { name: 'Events' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Usage events' })).toBeVisible();
  const rows = page.getByTestId('usage-event-row');
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.allTextContents()) expect(text).toContain('Sam Taylor');
  // The row opens from any cell but the person's name (that one filters to the person).
  await rows.first().getByRole('cell').first().click();
  const detail = page.getByTestId('usage-event-detail');
  await expect(detail).toContainText('Sam Taylor');
  await expect(detail).toContainText('Sales');
  await expect(detail).toContainText('demo-acme-');
  await page.screenshot({ path: 'test-results/screenshots/usage-events.png', fullPage: true });
  await page.getByRole('button', { name: 'Close' }).click();

  // Back up the drill-down with the browser's back button.
  await page.goBack();
  await expect(page.getByTestId('usage-scope-name')).toHaveText('Sam Taylor');
  await page.goBack();
  await expect(page.getByTestId('usage-scope-name')).toHaveText('Sales');
  await page.screenshot({ path: 'test-results/screenshots/usage-team.png', fullPage: true });
});
