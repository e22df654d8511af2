import { expect, test, type Page } from '@playwright/test';
import { chromiumAvailable, exploreDemoAsAcmeOwner, signIn } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

/**
 * Opens the newest invitation link from the Outbox. With an OS keychain the outbox keeps the link
 * encrypted and shows it; without one (Playwright run on its own) it keeps nothing and offers a
 * resend, whose new link it shows once.
 */
async function openNewestOutboxLink(page: Page) {
  await page.getByRole('tab', { name: 'Outbox' }).click();
  const openLink = page.getByRole('link', { name: 'Open link' }).first();
  const resend = page.getByRole('button', { name: 'Resend to get a new link' }).first();
  await expect(openLink.or(resend)).toBeVisible();
  if (await resend.isVisible()) await resend.click();
  await openLink.click();
}

// Owner invites a manager into Sales; the manager accepts from the outbox link, creates a team, adds
// Sam by email and sees only their teams' members.
test('invite a manager, accept, create a team, add a member', async ({ page }) => {
  await exploreDemoAsAcmeOwner(page);

  await page.goto('/#/members');
  await expect(page.getByText('maya.patel@acme.test')).toBeVisible();
  await page.getByRole('button', { name: 'Invite member' }).click();
  await page.getByLabel('Email').fill('new.manager@acme.test');
  await page.getByLabel('Role').click();
  await page.getByRole('option', { name: 'Manager' }).click();
  await page.getByLabel('Team').click();
  await page.getByRole('option', { name: 'Sales' }).click();
  await page.getByRole('button', { name: 'Send invitation' }).click();

  await openNewestOutboxLink(page);
  await page.getByRole('button', { name: 'Sign out and continue' }).click();
  await page.getByLabel('Your name').fill('Nora Manager');
  await page.getByLabel('Password', { exact: true }).fill('nora-secret-42');
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page.getByTestId('current-role')).toHaveText('Manager');

  await page.goto('/#/teams');
  await page.getByRole('button', { name: 'New team' }).click();
  await page.getByLabel('Team name').fill('Growth');
  await page.getByRole('button', { name: 'Create team' }).click();
  await page.getByRole('button', { name: 'Growth' }).click();
  await page.getByLabel('Member email').fill('sam.taylor@acme.test');
  await page.getByRole('button', { name: 'Add to team' }).click();
  await expect(page.getByRole('dialog').getByText('sam.taylor@acme.test')).toBeVisible();
  await page.keyboard.press('Escape');

  await page.goto('/#/members');
  await expect(page.getByText('sam.taylor@acme.test')).toBeVisible();
  await expect(page.getByText('sofia.garcia@acme.test')).toBeVisible(); // Sales
  await expect(page.getByText('noah.schmidt@acme.test')).toHaveCount(0); // Support: not theirs
  await expect(page.getByRole('button', { name: 'Invite member' })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/manager-members.png', fullPage: true });
});

test('CSV import preview shows the erroneous row and invites only the valid ones', async ({ page }) => {
  await signIn(page, 'olivia.owens@acme.test');
  await page.goto('/#/members');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await page.getByLabel('Or paste the CSV').fill('email,role,team\nx1@example.com,member,Sales\nx2@example.com,guest,\nnot-an-email,member,');
  await page.getByRole('button', { name: 'Check rows' }).click();
  await expect(page.getByText('“not-an-email” is not a valid email address.')).toBeVisible();
  await page.getByRole('button', { name: 'Invite 2 people' }).click();
  // The e2e server has no email server: the console says the links wait in the Outbox.
  await expect(page.getByText('Invitations ready')).toBeVisible();
  await expect(page.getByText(/No email server is set up: copy each link from the Outbox/)).toBeVisible();
  await page.getByRole('tab', { name: 'Outbox' }).click();
  await expect(page.getByText('Not sent (no email server)').first()).toBeVisible();
});

// Someone who already has an account (Gloria, owner at Globex) signs in on the invitation screen
// first, comes back to it, and accepts with one click: no password goes to the invitation itself.
test('an existing account signs in from the invitation, then accepts it', async ({ page }) => {
  await signIn(page, 'olivia.owens@acme.test');
  await page.goto('/#/members');
  await page.getByRole('button', { name: 'Invite member' }).click();
  await page.getByLabel('Email').fill('gloria.hart@globex.test');
  await page.getByRole('button', { name: 'Send invitation' }).click();

  await openNewestOutboxLink(page);
  await page.getByRole('button', { name: 'Sign out and continue' }).click();
  // Signed out, the screen offers both ways and says nothing about whether the email has an account.
  await expect(page.getByText('I’m new to Meterdesk')).toBeVisible();
  await expect(page.getByText(/already has a Meterdesk account/)).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/invite-signed-out.png', fullPage: true });
  await page.getByText('I have an account').click();
  await expect(page.getByLabel('Work email')).toHaveValue('gloria.hart@globex.test');
  await page.getByLabel('Password', { exact: true }).fill('meterdesk-demo-1');
  await page.getByRole('button', { name: 'Sign in to continue' }).click();

  await expect(page.getByText(/You are signed in as/)).toContainText('gloria.hart@globex.test');
  await page.screenshot({ path: 'test-results/screenshots/invite-signed-in.png', fullPage: true });
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Messaging' })).toBeVisible();
  await expect(page.getByTestId('current-role')).toHaveText('Member');
});

// A CSV over the limit is refused in the browser, before upload, with the limit in words; sending
// many invitations shows counts and can be stopped between chunks.
test('CSV import refuses an oversized file before upload, shows progress and can be cancelled', async ({ page }) => {
  await signIn(page, 'olivia.owens@acme.test');
  await page.goto('/#/members');
  await page.getByRole('button', { name: 'Import CSV' }).click();

  const uploads: string[] = [];
  page.on('request', (r) => r.url().includes('invitations.previewCsv') && uploads.push(r.url()));
  const big = ['email,role,team', ...Array.from({ length: 32_000 }, (_, i) => `big.person.${i}@example.com,member,`)].join('\n'); // ~1.2 MB
  // A real paste, as the clipboard delivers it: the console cancels it before the text area takes the text.
  const prevented = await page.getByLabel('Or paste the CSV').evaluate((field, text) => {
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', text);
    const paste = new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true });
    field.dispatchEvent(paste);
    return paste.defaultPrevented;
  }, big);
  expect(prevented).toBe(true);
  await expect(page.getByRole('alert')).toContainText(/The file is 1\.\d MB; at most 512 KB \(and 1,000 people\) can be imported at once/);
  await expect(page.getByLabel('Or paste the CSV')).toHaveValue('');
  await page.locator('input[type=file]').setInputFiles({ name: 'everyone.csv', mimeType: 'text/csv', buffer: Buffer.from(big) });
  await expect(page.getByRole('alert')).toContainText(/everyone\.csv: The file is 1\.\d MB; at most 512 KB/);
  expect(uploads).toEqual([]);

  const rows = Array.from({ length: 120 }, (_, i) => `bulk.${String(i).padStart(3, '0')}@example.com,member,`);
  await page.getByLabel('Or paste the CSV').fill(['email,role,team', ...rows].join('\n'));
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Check rows' }).click();
  await expect(page.getByText('120 ready')).toBeVisible();

  // Hold the first chunk at the network so the cancel lands while it is in flight; it still reaches the real server.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const chunks: number[] = [];
  await page.route(/invitations\.createMany/, async (route) => {
    chunks.push(chunks.length);
    await held;
    await route.continue();
  });
  await page.getByRole('button', { name: 'Invite 120 people' }).click();
  await expect(page.getByTestId('invite-progress')).toContainText('Sending invitations… 0 of 120');
  await expect(page.getByRole('progressbar', { name: 'Invitations sent: 0 of 120' })).toHaveAttribute('aria-valuenow', '0');
  await page.screenshot({ path: 'test-results/screenshots/csv-progress.png' });
  await page.getByRole('button', { name: 'Cancel sending' }).click();
  await expect(page.getByTestId('invite-progress')).toContainText('Stopping after this batch… 0 of 120');
  release();
  await expect(page.getByText('Invited 50 of 120; the other 70 were not invited.')).toBeVisible();
  expect(chunks).toEqual([0]);
  await page.unroute(/invitations\.createMany/);
});

// The invitation link's #/invite/TOKEN never reaches the server, so the page itself explains how
// to accept it when this browser has not opened the console through its launch link.
test('an invitation link opened without the launch token explains how to accept it', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await page.goto('/#/invite/not-a-real-token-0123456789');
  await expect(page.getByRole('heading', { name: 'Accept your invitation in Meterdesk' })).toBeVisible();
  await expect(page.getByText(/Then open this invitation link again/)).toBeVisible();
  await page.goto('/#/members');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Open Meterdesk with its link' })).toBeVisible();
  await context.close();
});

// Manager scope: a personal limit above the whole budget of one of the person's teams is flagged
// in the member drawer as it is typed (Noah is in Support).
test('a personal limit above the team budget is flagged where it is set', async ({ page }) => {
  await signIn(page, 'olivia.owens@acme.test');
  await page.goto('/#/teams');
  await page.getByRole('button', { name: 'Support' }).click();
  await page.getByRole('dialog').getByPlaceholder('Add a budget').click();
  await page.getByRole('option', { name: 'SMS sent', exact: true }).click();
  await page.getByRole('dialog').getByRole('textbox', { name: 'SMS sent' }).fill('1000');
  await page.getByRole('button', { name: 'Save budgets' }).click();
  await expect(page.getByRole('button', { name: 'Save budgets' })).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.goto('/#/members');
  await page.getByText('noah.schmidt@acme.test').click();
  const drawer = page.getByRole('dialog');
  await drawer.getByPlaceholder('Add a limit').click();
  await page.getByRole('option', { name: 'SMS sent', exact: true }).click();
  await drawer.getByRole('textbox', { name: 'SMS sent' }).fill('5000');
  await expect(drawer.getByTestId('limit-above-budget')).toContainText('SMS sent: 5,000 is more than Support’s whole budget of 1,000; the team budget runs out first.');
  await page.screenshot({ path: 'test-results/screenshots/limit-above-budget.png' });
  await drawer.getByRole('textbox', { name: 'SMS sent' }).fill('800');
  await expect(drawer.getByTestId('limit-above-budget')).toHaveCount(0);
});
