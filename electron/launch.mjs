// `npm start`: the desktop app when the Electron binary is installed, otherwise the same console in
// browser mode (`npm run serve`). Plain Node ESM so it runs before anything is built.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsStale } from './build-freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The Electron executable, or undefined when the package is absent or its binary was never downloaded. */
function electronBinary() {
  try {
    // node_modules/electron/index.js returns the executable's path, and throws when dist/path.txt is missing.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a child with inherited stdio and resolves with how it ended. On POSIX the child gets its own
 * process group, so a terminal's Ctrl+C reaches it exactly once: through this process, which
 * forwards SIGINT, SIGTERM and SIGHUP. (On Windows the console delivers Ctrl+C to both directly.)
 */
function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const posix = process.platform !== 'win32';
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env, detached: posix });
    const forward = (signal) => {
      if (posix && child.exitCode === null) child.kill(signal);
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, forward);
    const done = (result) => {
      for (const signal of signals) process.off(signal, forward);
      resolve(result);
    };
    child.on('exit', (code, signal) => done({ code, signal }));
    child.on('error', (error) => {
      console.error(`Could not start ${command}: ${error.message}`);
      done({ code: 1, signal: null });
    });
  });
}

function exitLike({ code, signal }) {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
}

const electron = electronBinary();
if (electron) {
  // Rebuild only when a source is newer than the build: never stale code, no build on every start.
  const stale = buildIsStale(root, ['out/main/main.js', 'out/preload/preload.cjs', 'out/renderer/index.html']);
  const build = stale ? await run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']) : { code: 0 };
  if (build.code !== 0) exitLike(build);
  else {
    // ELECTRON_RUN_AS_NODE inherited from a parent tool would start Electron as plain Node.
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    exitLike(await run(electron, [root, ...process.argv.slice(2)], env));
  }
} else {
  console.log('The Electron binary is not installed (npm could not download it), so the console is served in browser mode instead.');
  exitLike(await run(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'server', 'serve.ts')]));
}
