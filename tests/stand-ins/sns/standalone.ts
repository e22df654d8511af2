// The SNS stand-in in a process of its own, for benchmarks: in the benchmark's own process it would
// share one event loop (one core) with the engine and the SDK, and measure itself as much as them.
// Started by startSnsStandInProcess() (./process.ts) with an IPC channel: it sends its endpoint and
// credentials once listening, answers `published` questions, and exits on `close`.
import { startSnsStandIn, type SnsStandInOptions } from './server';

export type StandaloneRequest = { id: number; type: 'published'; messagePrefix: string } | { id: number; type: 'close' };

export interface PublishedSummary {
  /** Publish calls that sent a message starting with the prefix. */
  count: number;
  /** Distinct phone numbers among them. */
  distinctPhones: number;
  /** When the stand-in received the first and the last of them (ms since the epoch). */
  firstAt: number | null;
  lastAt: number | null;
  /** The stand-in process's CPU time so far (user + system), in seconds: benchmarks take differences. */
  cpuSeconds: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as SnsStandInOptions;
const standIn = await startSnsStandIn(options);
process.on('message', (raw) => {
  const request = raw as StandaloneRequest;
  if (request.type === 'close') {
    void standIn.close().then(() => {
      process.send?.({ id: request.id, ok: true }, () => process.exit(0));
    });
    return;
  }
  const cpu = process.cpuUsage();
  const matching = standIn.store.published.filter((p) => p.message.startsWith(request.messagePrefix));
  const summary: PublishedSummary = {
    count: matching.length,
    distinctPhones: new Set(matching.map((p) => p.phoneNumber)).size,
    firstAt: matching[0]?.at.getTime() ?? null,
    lastAt: matching.at(-1)?.at.getTime() ?? null,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  process.send?.({ id: request.id, ok: true, summary });
});
// The parent going away ends the stand-in too (a benchmark killed mid-run leaves nothing behind).
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true, endpoint: standIn.endpoint, region: standIn.region, accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey });
