// The signed export pack (.mdpack): one zip holding the CSVs, the PDF, report.json (the figures the
// viewer draws) and manifest.json — SHA-256 and size of each file, scope, period, generated at and
// by, app version, the installation's public key — with manifest.sig, an Ed25519 signature of the
// manifest's exact bytes. Opening one needs no database: every file is hashed against the manifest
// and the signature checked against the key it names, and that key against this installation's.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { once } from 'node:events';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { z } from 'zod';
import { AppError } from '../errors';
import { fingerprintOf, signBytes, verifyBytes, type SigningKey } from './installation-signing-key';
import type { UsageReportData } from './usage-report-data';

export const PACK_FORMAT = 'meterdesk-export-pack';
export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
export const REPORT_JSON = 'report.json';

const manifestSchema = z.object({
  format: z.literal(PACK_FORMAT),
  version: z.literal(1),
  organization: z.object({ id: z.string(), name: z.string() }),
  scope: z.object({ kind: z.string(), id: z.string(), name: z.string() }),
  period: z.object({ month: z.string(), start: z.string(), end: z.string() }),
  generatedAt: z.string(),
  generatedBy: z.object({ id: z.string(), name: z.string() }),
  appVersion: z.string(),
  publicKey: z.string().max(200),
  files: z.array(z.object({ name: z.string().max(200), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).max(50),
});
export type PackManifest = z.output<typeof manifestSchema>;

export async function sha256File(path: string) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface PackFile {
  name: string;
  path: string;
  /** Already-compressed formats (PDF) are stored as they are. */
  compress?: boolean;
}

/** Writes the pack to `outPath`: the files, then the manifest and its signature. */
export async function writeExportPack(
  outPath: string,
  files: PackFile[],
  meta: Omit<PackManifest, 'format' | 'version' | 'files' | 'publicKey'>,
  key: SigningKey,
) {
  const entries = [];
  for (const f of files) entries.push({ name: f.name, bytes: (await stat(f.path)).size, sha256: await sha256File(f.path) });
  const manifest: PackManifest = { format: PACK_FORMAT, version: 1, ...meta, publicKey: key.publicKey, files: entries };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
  const zip = new yazl.ZipFile();
  const mtime = new Date(meta.generatedAt);
  for (const f of files) zip.addFile(f.path, basename(f.name), { mtime, compress: f.compress ?? true });
  zip.addBuffer(manifestBytes, MANIFEST, { mtime, compress: false });
  zip.addBuffer(Buffer.from(signBytes(key.privateKey, manifestBytes)), SIGNATURE, { mtime, compress: false });
  zip.end();
  const out = createWriteStream(outPath);
  zip.outputStream.pipe(out);
  await once(out, 'finish');
  return manifest;
}

export type FileCheck = { name: string; status: 'ok' | 'altered' | 'missing' | 'unexpected'; bytes: number | null };

export interface PackVerification {
  /** intact: every file matches and this installation signed it; foreign: intact, signed by another installation; altered: anything changed. */
  verdict: 'intact' | 'foreign' | 'altered';
  message: string;
  signature: 'valid' | 'invalid';
  signer: { fingerprint: string; thisInstallation: boolean };
  files: FileCheck[];
  manifest: Omit<PackManifest, 'publicKey'>;
  report: UsageReportData | null;
}

const MAX_MANIFEST = 1024 * 1024;
const MAX_REPORT = 64 * 1024 * 1024;

function notAPack(detail: string): never {
  throw new AppError('BAD_REQUEST', `This file is not a readable Meterdesk export pack (${detail}). Open the .mdpack file exactly as it was exported; a pack cut short by a download or copy cannot be checked.`);
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip))));
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, keep: number): Promise<{ sha256: string; bytes: number; body: Buffer | null }> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
        if (bytes <= keep) chunks.push(c);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve({ sha256: hash.digest('hex'), bytes, body: bytes <= keep ? Buffer.concat(chunks) : null }));
    });
  });
}

/**
 * Checks a pack against its manifest and signature with no database. A file that is not a zip, is
 * cut short or lacks its manifest is refused with a clear message; a pack whose content changed is
 * reported as altered, one signed by another installation as foreign.
 */
export async function openExportPack(path: string, installationPublicKey: string | null): Promise<PackVerification> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(path);
  } catch (error) {
    notAPack((error as Error).message.replace(/[^\x20-\x7e]/g, '').slice(0, 120));
  }
  try {
    const seen = new Map<string, { sha256: string | null; bytes: number | null; body: Buffer | null }>();
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (seen.size > 60 || seen.has(entry.fileName)) return reject(new Error('too many or repeated entries'));
        const keep = entry.fileName === MANIFEST || entry.fileName === SIGNATURE ? MAX_MANIFEST : entry.fileName === REPORT_JSON ? MAX_REPORT : 0;
        readEntry(zip, entry, keep)
          .then((r) => seen.set(entry.fileName, r))
          // A changed byte inside compressed data breaks inflation or its checksum: that file is altered.
          .catch(() => seen.set(entry.fileName, { sha256: null, bytes: null, body: null }))
          .then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    }).catch((error: Error) => notAPack(error.message.replace(/[^\x20-\x7e]/g, '').slice(0, 120)));
    const manifestEntry = seen.get(MANIFEST);
    const signatureEntry = seen.get(SIGNATURE);
    if (!manifestEntry?.body || !signatureEntry?.body) notAPack('its manifest or signature is missing or unreadable');
    let parsed: PackManifest;
    try {
      parsed = manifestSchema.parse(JSON.parse(manifestEntry.body.toString('utf8')));
    } catch {
      // A manifest that no longer parses was changed (or never was one): nothing can be trusted.
      notAPack('its manifest is not valid');
    }
    const signatureValid = verifyBytes(parsed.publicKey, manifestEntry.body, signatureEntry.body.toString('utf8').trim());
    const files: FileCheck[] = parsed.files.map((f) => {
      const got = seen.get(f.name);
      if (!got) return { name: f.name, status: 'missing', bytes: null };
      return { name: f.name, status: got.sha256 === f.sha256 && got.bytes === f.bytes ? 'ok' : 'altered', bytes: got.bytes };
    });
    for (const name of seen.keys()) {
      if (name !== MANIFEST && name !== SIGNATURE && !parsed.files.some((f) => f.name === name)) files.push({ name, status: 'unexpected', bytes: seen.get(name)!.bytes });
    }
    const allOk = files.every((f) => f.status === 'ok');
    const thisInstallation = installationPublicKey !== null && parsed.publicKey === installationPublicKey;
    const verdict = !signatureValid || !allOk ? 'altered' : thisInstallation ? 'intact' : 'foreign';
    const changed = files.filter((f) => f.status !== 'ok').map((f) => `${f.name} (${f.status})`);
    const message =
      verdict === 'intact'
        ? 'Every file matches its manifest and the signature holds: this pack was made by this installation and has not been changed.'
        : verdict === 'foreign'
          ? `Every file matches its manifest and the signature holds, but it was signed by another installation (key ${fingerprintOf(parsed.publicKey)}). Compare that key with the one shown in the sender's Settings before trusting it.`
          : !signatureValid
            ? 'The manifest does not match its signature: this pack was changed after it was made. Do not rely on its figures.'
            : `These files do not match the manifest: ${changed.join(', ')}. The pack was changed after it was made; do not rely on its figures.`;
    let report: UsageReportData | null = null;
    const reportEntry = seen.get(REPORT_JSON);
    if (reportEntry?.body) {
      try {
        report = JSON.parse(reportEntry.body.toString('utf8')) as UsageReportData;
      } catch {
        report = null;
      }
    }
    const { publicKey, ...manifest } = parsed;
    return { verdict, message, signature: signatureValid ? 'valid' : 'invalid', signer: { fingerprint: fingerprintOf(publicKey), thisInstallation }, files, manifest, report };
  } finally {
    zip.close();
  }
}
