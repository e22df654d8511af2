// What exports need beside the database: where files go, the signing key's sources, and the exports
// in progress in this process (progress for the bar, an AbortController for Cancel).
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Keychain } from '../keychain/keychain';

export interface ExportProgress {
  runId: string;
  organizationId: string;
  createdById: string | null;
  /** 0–1 */
  fraction: number;
  stage: string;
}

export interface ExportServices {
  /** <dataDir>/exports: finished files under <organization>/<run>/, scheduled ones under scheduled/ in server mode. */
  dir: string;
  keychain: Keychain;
  /** Where MD_EXPORT_SIGNING_KEY is read in server mode ({} on the desktop). */
  env: NodeJS.ProcessEnv;
  /** Events per page read from the ledger (tests make it small). */
  pageSize?: number;
  running: Map<string, { controller: AbortController; progress: ExportProgress; done: Promise<void> }>;
  events: EventEmitter;
}

export function createExportServices(dataDir: string, keychain: Keychain, env: NodeJS.ProcessEnv): ExportServices {
  return { dir: join(dataDir, 'exports'), keychain, env, running: new Map(), events: new EventEmitter() };
}
