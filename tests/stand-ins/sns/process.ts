// Starts the SNS stand-in in a child process (./standalone.ts) and talks to it over IPC: the
// benchmark's client and engine then get a core of their own, and the stand-in is measured apart.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SnsStandInOptions } from './server';
import type { PublishedSummary } from './standalone';

export interface SnsStandInProcess {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  pid: number;
  /** What the stand-in published for messages starting with `messagePrefix`. */
  published(messagePrefix: string): Promise<PublishedSummary>;
  close(): Promise<void>;
}

export async function startSnsStandInProcess(options: SnsStandInOptions = {}): Promise<SnsStandInProcess> {
  // The same loader as this process (tsx): execArgv carries it.
  const child = fork(fileURLToPath(new URL('./standalone.ts', import.meta.url)), [JSON.stringify(options)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the SNS stand-in process exited (${code}) before listening`)));
    child.once('message', (m) => resolve(m as never));
  });
  child.removeAllListeners('exit');
  let nextId = 1;
  const waiting = new Map<number, (m: { summary?: PublishedSummary }) => void>();
  child.on('message', (m) => {
    const answer = m as { id?: number; summary?: PublishedSummary };
    if (answer.id !== undefined) waiting.get(answer.id)?.(answer);
    if (answer.id !== undefined) waiting.delete(answer.id);
  });
  const ask = (request: { type: 'published'; messagePrefix: string } | { type: 'close' }) =>
    new Promise<{ summary?: PublishedSummary }>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ id, ...request });
    });
  return {
    ...ready,
    pid: child.pid!,
    published: async (messagePrefix) => (await ask({ type: 'published', messagePrefix })).summary!,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await ask({ type: 'close' });
      await exited;
    },
  };
}
