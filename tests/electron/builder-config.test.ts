// electron-builder.yml, checked without building: electron-builder's own schema validation (the
// same call `electron-builder` makes before any download), what the issue asks of the installers,
// and the icons regenerated from resources/icon.png byte for byte. A dry build (`--dir`, no
// installer) runs where the Electron binary exists and skips with the reason where it does not.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requirePrerequisite } from '../helpers/prerequisites';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { load } = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(config: unknown, logger: unknown): Promise<void> };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Config;
const validate = (c: unknown) => validateConfiguration(c, new DebugLogger(false));

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation, which refuses unknown and mistyped keys", async () => {
    await expect(validate(structuredClone(config))).resolves.toBeUndefined();
    await expect(validate({ ...structuredClone(config), fileAssocations: [] })).rejects.toThrow(/unknown property 'fileAssocations'/);
    await expect(validate({ ...structuredClone(config), nsis: { ...config.nsis, oneclick: false } })).rejects.toThrow(/configuration.nsis/);
    await expect(validate({ ...structuredClone(config), asar: 'yes' })).rejects.toThrow(/asar/);
  });

  it('names the app and builds dmg + zip (universal), nsis, AppImage + deb', () => {
    expect(config.appId).toBe('dev.meterdesk.console');
    expect(config.productName).toBe('Meterdesk');
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: 'universal' },
      { target: 'zip', arch: 'universal' },
    ]);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.electronVersion).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Config).optionalDependencies.electron);
  });

  it('packs into asar with the native keychain module unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/keytar/**']));
  });

  it('registers meterdesk:// and the .mdpack file association', () => {
    expect(config.protocols).toEqual([{ name: 'Meterdesk link', schemes: ['meterdesk'] }]);
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'mdpack', name: 'Meterdesk pack' })]);
  });

  it('publishes no update feed unless one is given at build time, and holds no signing secret or machine path', () => {
    expect(config.publish).toBeNull();
    const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*(cscLink|cscKeyPassword|certificatePassword|electronDist|identity)\s*:/m);
    expect(config.mac.notarize).toBe(true); // active only when APPLE_* credentials are in the environment
    expect(config.mac.hardenedRuntime).toBe(true);
  });

  it('points at icons that exist and are of the right kind', () => {
    const bytes = (p: string) => readFileSync(join(root, p));
    expect(bytes(config.mac.icon).subarray(0, 4).toString('latin1')).toBe('icns');
    expect([...bytes(config.win.icon).subarray(0, 4)]).toEqual([0, 0, 1, 0]); // ICONDIR, type 1 = icon
    const pngs = readdirSync(join(root, config.linux.icon)).sort();
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(pngs).toContain(`${size}x${size}.png`);
    for (const file of pngs) {
      const png = bytes(join(config.linux.icon, file));
      const n = Number(file.split('x')[0]);
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([n, n]);
    }
  });

  it('icons are what resources/make-icons.mjs makes from resources/icon.png (regenerate after changing it)', () => {
    const out = mkdtempSync(join(tmpdir(), 'meterdesk-icons-'));
    try {
      const run = spawnSync(process.execPath, [join(root, 'resources', 'make-icons.mjs'), out], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      for (const file of ['icon.icns', 'icon.ico', ...readdirSync(join(out, 'icons')).map((f) => `icons/${f}`)]) {
        expect(readFileSync(join(out, file)).equals(readFileSync(join(root, 'resources', file))), `${file} is stale: run node resources/make-icons.mjs`).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

function electronDist(): { dir?: string; reason?: string } {
  try {
    const binary = require('electron') as unknown;
    if (typeof binary === 'string' && existsSync(binary)) return { dir: join(root, 'node_modules', 'electron', 'dist') };
    return { reason: `the Electron binary is missing at ${String(binary)}` };
  } catch (error) {
    return { reason: `the Electron binary is not installed (${(error as Error).message.split('\n')[0]})` };
  }
}
const dist = electronDist();
const canPack = requirePrerequisite('electron-builder dry build', dist.dir ? { ok: true } : { ok: false, reason: dist.reason! }, true);

describe.skipIf(!canPack)(`dry build with electronDist${canPack ? '' : ` (skipped: ${dist.reason})`}`, () => {
  it('packs an unpacked app for this OS from the local Electron, with keytar outside the asar', () => {
    const out = mkdtempSync(join(tmpdir(), 'meterdesk-dist-'));
    try {
      const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-builder', 'cli.js'), '--dir', `-c.electronDist=${dist.dir}`, `-c.directories.output=${out}`, '--publish', 'never'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
        timeout: 600_000,
      });
      expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
      const unpacked = readdirSync(out).find((d) => d.endsWith('-unpacked') || d === 'mac' || d === 'mac-universal');
      expect(unpacked).toBeDefined();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});
