// postinstall: generate the Prisma client. The Prisma CLI insists on downloading a native schema
// engine even for `generate`, which never uses it; a stub that answers `--version` stands in so the
// install works offline and behind firewalls. Migrations run through @prisma/schema-engine-wasm.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = { ...process.env };
let stubDir;
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && process.platform !== 'win32') {
  stubDir = mkdtempSync(join(tmpdir(), 'meterdesk-engine-'));
  const stub = join(stubDir, 'schema-engine');
  writeFileSync(stub, '#!/bin/sh\necho "schema-engine-cli 0edf323efd1d98336f3f0a68684b56f689b900d3"\n');
  chmodSync(stub, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
try {
  execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--config', 'prisma/prisma.config.ts'], { stdio: 'inherit', env });
} finally {
  if (stubDir) rmSync(stubDir, { recursive: true, force: true });
}
