import { expect, test, type Locator, type Page } from '@playwright/test';
import { chromiumAvailable, exploreDemoAsAcmeOwner, signIn } from './browser';

test.skip(!chromiumAvailable, 'Chromium is not installed');

// Narrow windows (issue 15): at 1024×700 nothing is cut off — the sidebar is a rail of icons, wide
// tables keep their action column in view, drawers fit, and notifications never cover a drawer's
// close button. Every screen is photographed at 1024×700 and 1440×900, light and dark, into
// test-results/screenshots/narrow/.
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const;
const SCREENS = ['dashboard', 'members', 'teams', 'usage', 'billing', 'api-keys', 'settings', 'account'] as const;

/** Fully inside the window, horizontally and vertically (after scrolling it into view). */
async function expectInViewport(page: Page, locator: Locator) {
  await locator.scrollIntoViewIfNeeded();
  const box = (await locator.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(box, 'element has a box').toBeTruthy();
  expect(box.x, 'left edge inside the window').toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, 'right edge inside the window').toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height, 'bottom edge inside the window').toBeLessThanOrEqual(viewport.height);
  // Nothing lies over its centre: the element itself receives a click there.
  await locator.click({ trial: true, timeout: 5_000 });
}

test('every screen at 1024×700 and 1440×900, light and dark', async ({ page }) => {
  test.setTimeout(300_000);
  await exploreDemoAsAcmeOwner(page);
  // An API key, so its table has a Revoke button to keep in view.
  await page.goto('/#/api-keys');
  await page.getByRole('button', { name: 'Create API key' }).first().click();
  await page.getByLabel('Key name').fill('Narrow window key with a long name for the table');
  await page.getByRole('checkbox', { name: 'usage:write' }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('button', { name: 'Done' }).click();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const screen of SCREENS) {
        await page.goto(`/#/${screen}`);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await page.waitForLoadState('networkidle');
        // No screen scrolls sideways as a whole: wide content scrolls inside its own box.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${screen} at ${size.width}: no page-wide horizontal scroll`).toBe(true);
        await page.screenshot({ path: `test-results/screenshots/narrow/${screen}-${size.width}x${size.height}-${scheme}.png` });
      }
    }
  }
});

test('at 1024×700: the sidebar is a rail of icons, action columns stay in view, drawers fit', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await signIn(page, 'olivia.owens@acme.test');
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Messaging' })).toBeVisible();

  // The rail: icons with their names as accessible names; the sidebar is narrow.
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await expect(nav.getByRole('link', { name: 'Members' })).toBeVisible();
  await expect(nav.getByText('Members', { exact: true })).toHaveCount(0);
  expect((await page.getByRole('navigation', { name: 'Main navigation' }).boundingBox())!.width).toBeLessThanOrEqual(90);
  await nav.getByRole('link', { name: 'Teams' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Teams' })).toBeVisible();

  await page.goto('/#/api-keys');
  await expectInViewport(page, page.getByRole('button', { name: /^Revoke / }).first());

  await page.goto('/#/usage');
  const usage = page.getByRole('table', { name: 'Usage by metric' });
  await expectInViewport(page, usage.getByRole('columnheader').last());

  await page.goto('/#/members');
  await page.getByRole('button', { name: 'Invite member' }).click();
  await page.getByLabel('Email').fill('a.rather.long.address.for.narrow.windows@example.com');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByRole('tab', { name: /Invitations/ }).click();
  const invitations = page.getByRole('table', { name: 'Invitations' });
  await expectInViewport(page, invitations.getByRole('button', { name: /^Revoke the invitation/ }).first());
  await expectInViewport(page, invitations.getByRole('button', { name: /^Resend the invitation/ }).first());

  await page.goto('/#/account');
  await expectInViewport(page, page.getByRole('table', { name: 'Your sessions' }).getByRole('columnheader').last());

  // A drawer fits the window, and a notification raised from inside it leaves its close button free.
  await page.goto('/#/teams');
  await page.getByRole('button', { name: 'Sales' }).click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toBeVisible();
  // The drawer slides in from the right: wait for it to come to rest inside the window.
  await expect.poll(async () => {
    const box = await drawer.boundingBox();
    return box && box.x >= 0 && box.x + box.width <= 1024;
  }, { message: 'the drawer rests inside the 1024 px window' }).toBe(true);
  await drawer.getByLabel('Member email').fill('adam.adler@acme.test');
  await drawer.getByRole('button', { name: 'Add to team' }).click();
  const notice = page.locator('.mantine-Notification-root').first();
  await expect(notice).toBeVisible();
  const close = page.locator('.mantine-Drawer-close');
  await expectInViewport(page, close);
  const [noticeBox, closeBox] = [(await notice.boundingBox())!, (await close.boundingBox())!];
  const overlaps = noticeBox.x < closeBox.x + closeBox.width && closeBox.x < noticeBox.x + noticeBox.width && noticeBox.y < closeBox.y + closeBox.height && closeBox.y < noticeBox.y + noticeBox.height;
  expect(overlaps, 'the notification does not cover the drawer close button').toBe(false);
  await page.screenshot({ path: 'test-results/screenshots/narrow/drawer-with-notification-1024x700.png' });
  await close.click();
  await expect(drawer).toHaveCount(0);
});
