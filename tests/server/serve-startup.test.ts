import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run serve` as a person runs it (tsx server/serve.ts), on the embedded database in a
// throwaway data folder. A port or host it cannot use must end in a sentence saying what to do and
// a non-zero exit, never a Node stack trace. (Builds out/renderer once if it is missing.)
const root = resolve(import.meta.dirname, '..', '..');

async function runServe(env: Record<string, string>, dataDir: string) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...env };
  delete childEnv.DATABASE_URL; // the embedded database, whatever the caller's shell has
  if (!env.HOST) delete childEnv.HOST;
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['server/serve.ts'], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const NO_STACK = /\n\s+at |node:net|UVException|Node\.js v\d/;

describe('npm run serve when it cannot listen', () => {
  let dataDir: string;
  let holder: net.Server;
  let heldPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-serve-'));
    holder = net.createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    heldPort = (holder.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    holder?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a port already in use: says which, how to choose another, exits 1 without a stack trace', async () => {
    const { code, stderr } = await runServe({ PORT: String(heldPort) }, dataDir);
    expect(code).toBe(1);
    expect(stderr).toContain(`port ${heldPort} on 127.0.0.1 is already in use`);
    expect(stderr).toContain(`PORT=${heldPort + 1} npm run serve`);
    expect(stderr).toContain('PORT=0 for any free port');
    expect(stderr).not.toMatch(NO_STACK);
  });

  it('a HOST that is not this machine’s: says so, exits 1 without a stack trace', async () => {
    const { code, stderr } = await runServe({ PORT: '0', HOST: '192.0.2.1' }, dataDir); // TEST-NET-1, never local
    expect(code).toBe(1);
    expect(stderr).toContain('HOST=192.0.2.1 is not an address of this machine');
    expect(stderr).not.toMatch(NO_STACK);
  });
});

describe('listenErrorMessage', () => {
  // A privileged port cannot be provoked here (tests run as root, who may listen anywhere), so the
  // EACCES sentence is checked on the error itself.
  it('explains EACCES and leaves unknown errors to crash loudly', async () => {
    const { listenErrorMessage } = await import('../../server/http/listen-error-message');
    const eacces = Object.assign(new Error('listen EACCES: permission denied 127.0.0.1:80'), { code: 'EACCES' });
    expect(listenErrorMessage(eacces, { port: 80, host: '127.0.0.1' })).toMatch(/may not listen on port 80 .*\n.*PORT=81 npm run serve .* PORT=0 for any free port/);
    expect(listenErrorMessage(new Error('boom'), { port: 80, host: '127.0.0.1' })).toBeNull();
  });
});
