// Start-up benchmark on the embedded PGlite: `tsx server/serve.ts` with a fresh temporary DATA_DIR,
// timed from spawn to its "Meterdesk console:" line and a /api/health answer, then again on the
// same folder (restart); beside them, in the same run, the raw time to open an empty PGlite in a
// fresh folder and to reopen it. The console build (out/renderer) is made first if missing, untimed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { buildIsStale } from '../../electron/build-freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 3);

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

const seconds = (ms: number) => +(ms / 1000).toFixed(2);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Spawns the server on dataDir; resolves with ms until the console line and until /api/health answered, then stops it. */
async function timeServe(dataDir: string): Promise<{ consoleMs: number; healthMs: number }> {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0' };
  delete env.DATABASE_URL;
  delete env.STRIPE_SECRET_KEY;
  const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'server/serve.ts')], { cwd: root, env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const { url, consoleMs } = await new Promise<{ url: string; consoleMs: number }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /Meterdesk console: (\S+)/.exec(out);
        if (match) resolve({ url: match[1]!, consoleMs: performance.now() - started });
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}\n${stderr}`)));
    });
    const health = await fetch(new URL('/api/health', url));
    if (!health.ok) throw new Error(`/api/health answered ${health.status}`);
    await health.arrayBuffer();
    return { consoleMs, healthMs: performance.now() - started };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}

async function timeRawPGlite(dir: string): Promise<number> {
  const started = performance.now();
  const db = new PGlite(dir);
  await db.query('select 1');
  const ms = performance.now() - started;
  await db.close();
  return ms;
}

if (buildIsStale(root, ['out/renderer/index.html'])) {
  console.error('Building the console first (untimed)…');
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const runs = { fresh: [] as number[], freshHealth: [] as number[], restart: [] as number[], restartHealth: [] as number[], rawFresh: [] as number[], rawReopen: [] as number[] };
const made: string[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-bench-start-'));
    const rawDir = await mkdtemp(join(tmpdir(), 'meterdesk-bench-raw-'));
    made.push(dataDir, rawDir);
    const fresh = await timeServe(dataDir);
    const restart = await timeServe(dataDir);
    runs.fresh.push(fresh.consoleMs);
    runs.freshHealth.push(fresh.healthMs);
    runs.restart.push(restart.consoleMs);
    runs.restartHealth.push(restart.healthMs);
    runs.rawFresh.push(await timeRawPGlite(join(rawDir, 'pglite')));
    runs.rawReopen.push(await timeRawPGlite(join(rawDir, 'pglite')));
  }
} finally {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
}

const figure = (name: string, project: number[], health: number[], raw: number[], target: string) =>
  emit({
    figure: name,
    rounds: ROUNDS,
    console_line_s: seconds(median(project)),
    health_s: seconds(median(health)),
    runs_s: project.map(seconds),
    baseline_empty_pglite_s: seconds(median(raw)),
    ratio: +(median(health) / median(raw)).toFixed(2),
    target,
  });
figure('startup_fresh_data_folder', runs.fresh, runs.freshHealth, runs.rawFresh, '<= 5 s');
figure('startup_restart', runs.restart, runs.restartHealth, runs.rawReopen, '<= 2 s');
process.exit(0);
