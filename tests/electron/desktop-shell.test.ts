// The desktop shell's decisions as units (no Electron binary needed): window placement per display,
// the application menu and its shortcuts, About, the update feed switch, the mute preference, and
// the tray count and native notifications driven by the real notification centre (real app, PGlite).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { aboutDetail, buildMenuTemplate } from '../../electron/app-menu';
import { createDesktopNotifier, type NativeNotice } from '../../electron/desktop-notifier';
import { loadPreferences, savePreferences } from '../../electron/preferences';
import { updateFeed } from '../../electron/updates';
import { displayKey, emptyState, loadWindowState, recordPlacement, restorePlacement, saveWindowState, type DisplayInfo } from '../../electron/window-state';
import { createApp, type MeterdeskApp } from '../../server/app';
import { createNotifications } from '../../server/notifications/notify-people';
import { SCREEN_SHORTCUTS } from '../../renderer/src/lib/shortcuts';
import { memoryKeychain } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';

const laptop: DisplayInfo = { id: 1, workArea: { x: 0, y: 0, width: 1440, height: 900 } };
const monitor: DisplayInfo = { id: 2, workArea: { x: 1440, y: 0, width: 2560, height: 1440 } };

describe('window placement per display', () => {
  it('opens centred at the default size the first time', () => {
    expect(restorePlacement(emptyState(), [laptop], laptop)).toEqual({ x: 80, y: 40, width: 1280, height: 820, maximized: false });
  });

  it('remembers each display separately and reopens on the last one used', () => {
    let state = recordPlacement(emptyState(), { x: 100, y: 50, width: 1000, height: 700 }, false, [laptop, monitor], laptop);
    state = recordPlacement(state, { x: 1600, y: 100, width: 2000, height: 1200 }, false, [laptop, monitor], laptop);
    expect(Object.keys(state.byDisplay).sort()).toEqual([displayKey(laptop), displayKey(monitor)].sort());
    expect(restorePlacement(state, [laptop, monitor], laptop)).toEqual({ x: 1600, y: 100, width: 2000, height: 1200, maximized: false });
    // The monitor is unplugged: the laptop's own placement comes back.
    expect(restorePlacement(state, [laptop], laptop)).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: false });
  });

  it('keeps a remembered window inside a work area that shrank, and keeps the restore size when maximized', () => {
    const big = recordPlacement(emptyState(), { x: 1400, y: 800, width: 1400, height: 900 }, false, [laptop], laptop);
    const smaller: DisplayInfo = { id: 1, workArea: { x: 0, y: 0, width: 1440, height: 900 } };
    const placed = restorePlacement(big, [smaller], smaller);
    expect(placed.x + placed.width).toBeLessThanOrEqual(1440);
    expect(placed.y + placed.height).toBeLessThanOrEqual(900);
    const maximized = recordPlacement(big, { x: 0, y: 0, width: 1440, height: 900 }, true, [laptop], laptop);
    expect(maximized.byDisplay[displayKey(laptop)]).toMatchObject({ width: big.byDisplay[displayKey(laptop)]!.width, maximized: true });
  });

  it('reads back what it saved, and ignores a damaged or hostile file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meterdesk-ws-'));
    try {
      const state = recordPlacement(emptyState(), { x: 10, y: 10, width: 1000, height: 700 }, false, [laptop], laptop);
      saveWindowState(dir, state);
      expect(loadWindowState(dir)).toEqual(state);
      await writeFile(join(dir, 'window-state.json'), '{"byDisplay":{"1:1x1":{"x":0,"y":0,"width":1e9,"height":5}}}');
      expect(loadWindowState(dir)).toEqual(emptyState());
      await writeFile(join(dir, 'window-state.json'), 'not json');
      expect(loadWindowState(dir)).toEqual(emptyState());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('application menu', () => {
  const opened: string[] = [];
  const calls: string[] = [];
  const template = buildMenuTemplate({
    isMac: false,
    isPackaged: true,
    muted: false,
    openRoute: (r) => opened.push(r),
    toggleMute: (m) => calls.push(`mute:${m}`),
    showAbout: () => calls.push('about'),
    checkForUpdates: () => calls.push('updates'),
  });
  const items = (label: string) => (template.find((m) => m.label === label || m.role === label)?.submenu ?? []) as MenuItemConstructorOptions[];
  const click = (item: MenuItemConstructorOptions | undefined, checked = false) => (item?.click as unknown as (i: { checked: boolean }) => void)({ checked });

  it('has a shortcut for every main screen, the same list the console shows', () => {
    const go = items('Go');
    expect(go.map((i) => [i.label, i.accelerator])).toEqual(SCREEN_SHORTCUTS.map((s) => [s.label, `CmdOrCtrl+${s.key}`]));
    for (const item of go) click(item);
    expect(opened).toEqual(SCREEN_SHORTCUTS.map((s) => s.route));
    const accelerators = template.flatMap((m) => ((m.submenu ?? []) as MenuItemConstructorOptions[]).map((i) => i.accelerator).filter(Boolean));
    expect(new Set(accelerators).size).toBe(accelerators.length); // no two items share a shortcut
  });

  it('Help has the shortcut list, Check for Updates and About; File has the mute setting; no DevTools when packaged', () => {
    const help = items('help');
    click(help.find((i) => i.label === 'Keyboard shortcuts'));
    expect(opened.at(-1)).toBe('shortcuts');
    click(help.find((i) => i.label === 'Check for Updates…'));
    click(help.find((i) => i.label === 'About Meterdesk'));
    click(items('File').find((i) => i.label === 'Mute Desktop Notifications'), true);
    expect(calls).toEqual(['updates', 'about', 'mute:true']);
    expect(JSON.stringify(template)).not.toContain('toggleDevTools');
  });

  it('About names the version and the database in use', () => {
    expect(aboutDetail({ version: '0.1.0', database: { kind: 'postgres', where: 'postgresql://md:***@db.internal:5432/md' } })).toBe(
      'Version 0.1.0\nDatabase: Shared PostgreSQL — postgresql://md:***@db.internal:5432/md',
    );
    expect(aboutDetail({ version: '0.1.0', database: { kind: 'pglite', where: '/home/a/.config/Meterdesk/pglite' } })).toContain('Embedded PGlite');
  });
});

describe('auto-update switch', () => {
  it('is off unless a feed is configured', () => {
    expect(updateFeed({}, '/nonexistent', true)).toEqual({ enabled: false, reason: 'no update feed is configured for this build' });
    expect(updateFeed({}, undefined, false)).toMatchObject({ enabled: false });
    expect(updateFeed({ MD_UPDATE_FEED_URL: 'https://updates.example.com/meterdesk/' }, undefined, true)).toEqual({ enabled: true, url: 'https://updates.example.com/meterdesk/' });
    expect(updateFeed({ MD_UPDATE_FEED_URL: 'http://updates.example.com/' }, undefined, true)).toMatchObject({ enabled: false, reason: expect.stringMatching(/https/) });
    expect(updateFeed({ MD_UPDATE_FEED_URL: 'not a url' }, undefined, true)).toMatchObject({ enabled: false });
  });

  it('is on for a build that carries app-update.yml', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meterdesk-upd-'));
    try {
      await writeFile(join(dir, 'app-update.yml'), 'provider: generic\nurl: https://updates.example.com/\n');
      expect(updateFeed({}, dir, true)).toEqual({ enabled: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mute preference', () => {
  it('persists, and a damaged file means not muted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meterdesk-pref-'));
    try {
      expect(loadPreferences(dir)).toEqual({ muteNotifications: false });
      savePreferences(dir, { muteNotifications: true });
      expect(loadPreferences(dir)).toEqual({ muteNotifications: true });
      await writeFile(join(dir, 'desktop-preferences.json'), '{"muteNotifications":"yes"}');
      expect(loadPreferences(dir)).toEqual({ muteNotifications: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tray count and native notifications from the notification centre', () => {
  let dataDir: string;
  let app: MeterdeskApp;
  let tenant: Tenant;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-notifier-'));
    app = await createApp({ dataDir, databaseUrl: null, keychain: memoryKeychain(), env: {} });
    tenant = await seedTenant(app, 'tray');
  });
  afterAll(async () => {
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const notify = (kind: string, title: string, link: string | null) =>
    createNotifications(app.services.db.prisma, tenant.organizationId, [{ userId: tenant.people.owner.userId, email: 'o@tray.test', name: 'Owner' }], { kind, title, body: `${title} body`, link }, new Date());

  it('counts unread alerts, pops up new threshold and blocked-send alerts once (not older ones), opens their screen, and honours mute', async () => {
    await notify('usage.threshold', 'Old alert from before launch', 'usage');
    const shown: NativeNotice[] = [];
    const counts: number[] = [];
    let muted = false;
    const notifier = createDesktopNotifier({
      caller: () => app.createCaller(tenant.people.owner.carrier, { transport: 'desktop' }),
      show: (n) => shown.push(n),
      setUnreadCount: (c) => counts.push(c),
      isMuted: () => muted,
    });
    await notifier.poll();
    expect(counts.at(-1)).toBe(1);
    expect(shown).toEqual([]);

    await notify('usage.threshold', 'SMS at 80% — organization', 'usage?scope=organization&metric=sms_sent');
    await notify('usage.limit_blocked', 'SMS blocked by a limit — team Sales', 'usage?scope=team&metric=sms_sent');
    await notify('webhook.endpoint_disabled', 'Webhook disabled', 'webhooks');
    await notifier.poll();
    expect(counts.at(-1)).toBe(4);
    expect(shown.map((n) => [n.title, n.route])).toEqual(
      expect.arrayContaining([
        ['SMS at 80% — organization', 'usage?scope=organization&metric=sms_sent'],
        ['SMS blocked by a limit — team Sales', 'usage?scope=team&metric=sms_sent'],
      ]),
    );
    expect(shown).toHaveLength(2);
    await notifier.poll();
    expect(shown).toHaveLength(2); // once each

    muted = true;
    await notify('usage.threshold', 'Muted alert', '../../etc/passwd');
    await notifier.poll();
    expect(shown).toHaveLength(2);
    expect(counts.at(-1)).toBe(5);
  });

  it('tells of dunning changes (past due, active again) and opens Billing; an invalid link opens the dashboard', async () => {
    const shown: NativeNotice[] = [];
    const notifier = createDesktopNotifier({
      caller: () => app.createCaller(tenant.people.owner.carrier, { transport: 'desktop' }),
      show: (n) => shown.push(n),
      setUnreadCount: () => {},
      isMuted: () => false,
    });
    const setStatus = (status: 'past_due' | 'active') =>
      app.services.db.prisma.subscription.upsert({
        where: { organizationId: tenant.organizationId },
        create: { organizationId: tenant.organizationId, planKey: 'starter', status } as never,
        update: { status },
      });
    await setStatus('active');
    await notifier.poll();
    await setStatus('past_due');
    await notify('usage.threshold', 'Hostile link', 'javascript:alert(1)');
    await notifier.poll();
    expect(shown).toEqual(
      expect.arrayContaining([
        { title: 'Payment failed', body: expect.stringContaining('past due'), route: 'billing' },
        { title: 'Hostile link', body: 'Hostile link body', route: 'dashboard' },
      ]),
    );
    await setStatus('active');
    await notifier.poll();
    expect(shown.at(-1)).toMatchObject({ title: 'Subscription active again', route: 'billing' });
  });

  it('signed out: the count is zero and nothing pops up', async () => {
    const counts: number[] = [];
    const { MemoryCarrier } = await import('../helpers/test-app');
    const notifier = createDesktopNotifier({ caller: () => app.createCaller(new MemoryCarrier(), { transport: 'desktop' }), show: () => {}, setUnreadCount: (c) => counts.push(c), isMuted: () => false });
    await notifier.poll();
    expect(counts).toEqual([0]);
  });
});
