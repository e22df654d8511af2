// Desktop exports against a real database: "Save as…" and "Open export pack" through the system
// dialogs the main process lends a request (electron/desktop-file-dialogs.ts, with a plain object as
// Electron's dialog), refused in browser mode, for other tenants' runs and for a run row naming a
// file outside this installation's exports folder; and exports a crash left running are swept.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopFiles, createLaunchPacks, type DialogLike } from '../../electron/desktop-file-dialogs';
import type { DesktopFiles } from '../../server/exports/desktop-files';
import { INTERRUPTED_EXPORT_ERROR, partialDirName, sweepInterruptedExports, EXPORT_INTERRUPTED_AFTER_MS } from '../../server/exports/sweep-interrupted-exports';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type MemoryCarrier, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';

const PERIOD = '2026-11';

describe.each(databaseTargets)('desktop exports on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let home: string;
  const dialogAnswers: { save?: string; open?: string } = {};
  const dialogAsked: string[] = [];
  const dialog: DialogLike<object> = {
    showSaveDialog: async () => (dialogAsked.push('save'), dialogAnswers.save ? { canceled: false, filePath: dialogAnswers.save } : { canceled: true }),
    showOpenDialog: async () => (dialogAsked.push('open'), dialogAnswers.open ? { canceled: false, filePaths: [dialogAnswers.open] } : { canceled: true, filePaths: [] }),
  };
  const launchPacks = createLaunchPacks();
  let files: DesktopFiles;

  const desktop = (carrier: MemoryCarrier) => t.app.createCaller(carrier, { transport: 'desktop', files });
  const browser = (carrier: MemoryCarrier) => t.app.createCaller(carrier, { transport: 'browser' });

  async function exportAndWait(carrier: MemoryCarrier, format: 'csv' | 'pack') {
    const api = await browser(carrier);
    const { runId } = await api.exports.start({ scope: 'organization', period: PERIOD, format });
    await t.app.services.exports!.running.get(runId)?.done;
    const run = await t.app.services.db.prisma.exportRun.findFirstOrThrow({ where: { id: runId } });
    expect(run.status, run.error ?? '').toBe('succeeded');
    return run;
  }

  beforeAll(async () => {
    t = await startTestApp(target);
    home = await mkdtemp(join(tmpdir(), 'meterdesk-desktop-home-'));
    files = createDesktopFiles({ dialog, window: {}, defaultFolder: home, protectedFolders: [t.dataDir], launchPacks });
    a = await seedTenant(t.app, 'alpha');
    b = await seedTenant(t.app, 'bravo');
    await t.app.services.db.prisma.organization.updateMany({ data: { createdAt: new Date('2026-01-15T00:00:00Z') } });
    t.clock.set(new Date('2026-11-20T12:00:00Z'));
    await recordUsageEvents(t.app.services.db, a.organizationId, [{ metric: 'sms_sent', quantity: 3, idempotencyKey: 'd-1', occurredAt: '2026-11-10T00:00:00Z', user: a.people.owner.userId }], t.clock);
  });
  afterAll(async () => {
    await t?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('Save as… copies the finished export to where the dialog said; browser mode is told to download', async () => {
    const run = await exportAndWait(a.people.owner.carrier, 'csv');
    dialogAnswers.save = join(home, 'my-usage.csv');
    const saved = await (await desktop(a.people.owner.carrier)).exports.saveCopy({ runId: run.id });
    expect(saved).toEqual({ saved: true, path: join(home, 'my-usage.csv') });
    expect(await readFile(join(home, 'my-usage.csv'))).toEqual(await readFile(run.filePath!));
    dialogAnswers.save = undefined;
    expect(await (await desktop(a.people.owner.carrier)).exports.saveCopy({ runId: run.id })).toEqual({ saved: false });
    await expect((await browser(a.people.owner.carrier)).exports.saveCopy({ runId: run.id })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: /use Download/ });
  });

  it('refuses another tenant’s run, another person’s run for a member, bad ids, and a run row naming a file outside the exports folder — the dialog is never shown', async () => {
    const run = await exportAndWait(a.people.owner.carrier, 'csv');
    dialogAnswers.save = join(home, 'stolen.csv');
    dialogAsked.length = 0;
    await expect((await desktop(b.people.owner.carrier)).exports.saveCopy({ runId: run.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect((await desktop(a.people.member.carrier)).exports.saveCopy({ runId: run.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect((await desktop(a.people.owner.carrier)).exports.saveCopy({ runId: '../../etc/passwd' } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect((await desktop(a.people.owner.carrier)).exports.saveCopy({ runId: 42 } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // The database is shared: a row pointing at any other file on this machine is not copied.
    const secret = join(home, 'secret.txt');
    await writeFile(secret, 'not an export');
    await t.app.services.db.prisma.exportRun.update({ where: { organizationId_id: { organizationId: a.organizationId, id: run.id } }, data: { filePath: secret } });
    await expect((await desktop(a.people.owner.carrier)).exports.saveCopy({ runId: run.id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: /not in this installation’s exports folder/ });
    await t.app.services.db.prisma.exportRun.update({ where: { organizationId_id: { organizationId: a.organizationId, id: run.id } }, data: { filePath: join(t.app.services.exports!.dir, '..', '..', 'etc', 'passwd') } });
    await expect((await desktop(a.people.owner.carrier)).exports.saveCopy({ runId: run.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(dialogAsked).toEqual([]);
    expect(existsSync(join(home, 'stolen.csv'))).toBe(false);
  });

  it('Open export pack: the Open dialog’s pack and the launch pack are verified like an upload; a non-pack is refused; browser mode has no dialog', async () => {
    const run = await exportAndWait(a.people.owner.carrier, 'pack');
    const copy = join(home, 'team.mdpack');
    await writeFile(copy, await readFile(run.filePath!));
    dialogAnswers.open = copy;
    const opened = await (await desktop(a.people.guest.carrier)).exports.openPackFromDisk({ source: 'dialog' });
    expect(opened.opened && opened.pack.verdict).toBe('intact');
    launchPacks.offer(copy);
    const launched = await (await desktop(a.people.owner.carrier)).exports.openPackFromDisk({ source: 'launch' });
    expect(launched.opened && launched.pack.manifest.period.month).toBe(PERIOD);
    await expect((await desktop(a.people.owner.carrier)).exports.openPackFromDisk({ source: 'launch' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /No export pack is waiting/ });
    dialogAnswers.open = '/etc/passwd';
    await expect((await desktop(a.people.owner.carrier)).exports.openPackFromDisk({ source: 'dialog' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /only export packs/ });
    dialogAnswers.open = undefined;
    expect(await (await desktop(a.people.owner.carrier)).exports.openPackFromDisk({ source: 'dialog' })).toEqual({ opened: false });
    await expect((await desktop(a.people.owner.carrier)).exports.openPackFromDisk({ source: '/etc/passwd' } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect((await browser(a.people.owner.carrier)).exports.openPackFromDisk({ source: 'dialog' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
  });

  it('a monthly schedule goes to the folder chosen in the system dialog; the data folder, a file or a cancel writes nothing; browser mode has no dialog', async () => {
    const schedules = () => t.app.services.db.prisma.exportSchedule.count({ where: { organizationId: a.organizationId } });
    const before = await schedules();
    const owner = await desktop(a.people.owner.carrier);
    dialogAnswers.open = home;
    const made = await owner.exports.createScheduleInChosenFolder({ scope: 'organization' });
    expect(made.canceled === false && made.schedule.folder).toBe(home);
    for (const refusedFolder of [t.dataDir, join(t.dataDir, 'exports'), '/etc/passwd', 'relative/folder']) {
      dialogAnswers.open = refusedFolder;
      await expect(owner.exports.createScheduleInChosenFolder({ scope: 'organization' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /Meterdesk cannot write there/ });
    }
    dialogAnswers.open = undefined;
    expect(await owner.exports.createScheduleInChosenFolder({ scope: 'organization' })).toEqual({ canceled: true });
    await expect((await browser(a.people.owner.carrier)).exports.createScheduleInChosenFolder({ scope: 'organization' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /needs the desktop app/ });
    // A member may not schedule a team that is not theirs, whatever folder they pick.
    dialogAnswers.open = home;
    await expect((await desktop(a.people.member.carrier)).exports.createScheduleInChosenFolder({ scope: 'team', id: a.otherTeamId })).rejects.toMatchObject({ code: expect.stringMatching(/FORBIDDEN|NOT_FOUND/) });
    dialogAnswers.open = undefined;
    expect(await schedules()).toBe(before + 1);
  });

  it('an export a crash left running is marked interrupted and its partial files removed; a live one is left alone', async () => {
    const p = t.app.services.db.prisma;
    const svc = t.app.services.exports!;
    const now = t.clock.now();
    const old = new Date(now.getTime() - EXPORT_INTERRUPTED_AFTER_MS - 1000);
    const base = { organizationId: a.organizationId, kind: 'usage_csv', scope: 'organization', scopeId: a.organizationId, scopeName: 'Alpha', period: PERIOD, status: 'running', fileName: 'x.csv', createdById: a.people.owner.userId };
    const crashed = await p.exportRun.create({ data: { ...base, createdAt: old, heartbeatAt: old } });
    const crashedNoBeat = await p.exportRun.create({ data: { ...base, createdAt: old } });
    const live = await p.exportRun.create({ data: { ...base, createdAt: old, heartbeatAt: now } });
    const folder = join(home, 'scheduled');
    const schedule = await p.exportSchedule.create({ data: { organizationId: a.organizationId, scope: 'organization', scopeId: a.organizationId, scopeName: 'Alpha', folder, createdById: a.people.owner.userId, nextRunAt: now, createdAt: now } });
    const scheduled = await p.exportRun.create({ data: { ...base, createdAt: old, heartbeatAt: old, scheduleId: schedule.id } });
    const partial = async (dir: string, id: string) => {
      const work = join(dir, partialDirName(id));
      await mkdir(work, { recursive: true });
      await writeFile(join(work, 'x.csv'), 'half,a,file');
      return work;
    };
    const crashedDir = join(svc.dir, a.organizationId, crashed.id);
    await partial(crashedDir, crashed.id);
    const liveWork = await partial(join(svc.dir, a.organizationId, live.id), live.id);
    const scheduledWork = await partial(folder, scheduled.id);
    await writeFile(join(folder, 'last-month.mdpack'), 'an earlier finished pack');

    const swept = await sweepInterruptedExports(t.app.services.db, svc, t.clock);
    expect(swept.map((s) => s.id).sort()).toEqual([crashed.id, crashedNoBeat.id, scheduled.id].sort());
    for (const id of [crashed.id, crashedNoBeat.id, scheduled.id]) {
      expect(await p.exportRun.findFirstOrThrow({ where: { id } })).toMatchObject({ status: 'failed', error: INTERRUPTED_EXPORT_ERROR, finishedAt: now });
    }
    expect(existsSync(crashedDir)).toBe(false);
    expect(existsSync(scheduledWork)).toBe(false);
    // The schedule's folder keeps everything else in it; the live run keeps its files and status.
    expect(existsSync(join(folder, 'last-month.mdpack'))).toBe(true);
    expect(existsSync(liveWork)).toBe(true);
    expect((await p.exportRun.findFirstOrThrow({ where: { id: live.id } })).status).toBe('running');
    // A second sweep (another process) finds nothing more to do.
    expect(await sweepInterruptedExports(t.app.services.db, svc, t.clock)).toEqual([]);

    // Its heartbeat stops too: swept at the next start-up, without waiting for the job's timer.
    t.clock.advance(EXPORT_INTERRUPTED_AFTER_MS + 1000);
    const stop = t.app.startBackgroundJobs(60 * 60_000);
    try {
      // The row is marked first, then the files go: wait for both.
      await vi.waitFor(
        async () => {
          expect((await p.exportRun.findFirstOrThrow({ where: { id: live.id } })).status).toBe('failed');
          expect(existsSync(liveWork)).toBe(false);
        },
        { timeout: 10_000 },
      );
    } finally {
      await stop();
    }
  });

  it('a running export moves its heartbeat and writes into a partial folder named after its run', async () => {
    const svc = t.app.services.exports!;
    svc.pageSize = 1;
    try {
      const api = await browser(a.people.owner.carrier);
      const { runId } = await api.exports.start({ scope: 'organization', period: PERIOD, format: 'pack' });
      const row = await t.app.services.db.prisma.exportRun.findFirstOrThrow({ where: { id: runId } });
      expect(row.heartbeatAt).toEqual(row.createdAt);
      // While it runs in this process, no sweep touches it, however stale its heartbeat looks.
      t.clock.advance(EXPORT_INTERRUPTED_AFTER_MS * 10);
      expect((await sweepInterruptedExports(t.app.services.db, svc, t.clock)).map((s) => s.id)).not.toContain(runId);
      await svc.running.get(runId)?.done;
      expect((await t.app.services.db.prisma.exportRun.findFirstOrThrow({ where: { id: runId } })).status).toBe('succeeded');
      expect(existsSync(join(svc.dir, a.organizationId, runId, partialDirName(runId)))).toBe(false);
    } finally {
      svc.pageSize = undefined;
    }
  });
});
