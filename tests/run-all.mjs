// `npm test`: every test — vitest (unit and integration, on PGlite and PostgreSQL) then Playwright
// end-to-end in Chromium — and one closing line "N passed, N failed, N skipped".
// On Linux without a D-Bus session it re-runs itself inside a private one with an unlocked
// gnome-keyring, so keychain tests use a real Secret Service without touching the user's keyring.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.MD_TEST_DBUS) {
  if (has('dbus-run-session') && has('gnome-keyring-daemon')) {
    const keyringHome = mkdtempSync(join(tmpdir(), 'meterdesk-keyring-'));
    const script = 'echo meterdesk | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$0" "$@"';
    const run = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, process.execPath, self, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, MD_TEST_DBUS: '1', XDG_DATA_HOME: keyringHome },
    });
    rmSync(keyringHome, { recursive: true, force: true });
    process.exit(run.status ?? 1);
  }
  console.warn('[note] dbus-run-session or gnome-keyring-daemon missing: keychain tests will not find a Secret Service.');
}

const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const step = (label, args, env = {}) => {
  console.log(`\n▶ ${label}`);
  return spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
};

let failed = 0;
let passed = 0;
let skipped = 0;

// The e2e tests and `npm run serve` use the built console: build it from the current sources.
if (step('electron-vite build', [bin('electron-vite', 'bin/electron-vite.js'), 'build']) !== 0) {
  console.log('\n0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const vitestJson = join(results, 'vitest.json');
rmSync(vitestJson, { force: true });
const vitestStatus = step('vitest', [bin('vitest', 'vitest.mjs'), 'run', '--config', 'tests/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  if (vitestStatus !== 0 && report.numFailedTests === 0) failed += 1; // a suite that failed to load
} else if (vitestStatus !== 0) failed += 1;

const e2eJson = join(results, 'e2e.json');
rmSync(e2eJson, { force: true });
const e2eStatus = step('playwright', [bin('@playwright/test', 'cli.js'), 'test', '--config', 'tests/playwright.config.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson });
if (existsSync(e2eJson)) {
  const { stats } = JSON.parse(readFileSync(e2eJson, 'utf8'));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
  if (e2eStatus !== 0 && stats.unexpected === 0) failed += 1;
} else if (e2eStatus !== 0) failed += 1;

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
