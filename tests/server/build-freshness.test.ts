import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIsStale } from '../../electron/build-freshness.mjs';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

async function project() {
  const root = await mkdtemp(join(tmpdir(), 'meterdesk-fresh-'));
  dirs.push(root);
  await mkdir(join(root, 'renderer', 'screens'), { recursive: true });
  await mkdir(join(root, 'out', 'renderer'), { recursive: true });
  await writeFile(join(root, 'renderer', 'screens', 'Usage.tsx'), 'export {}');
  await writeFile(join(root, 'package.json'), '{}');
  const past = new Date(Date.now() - 60_000);
  for (const f of ['renderer/screens/Usage.tsx', 'package.json']) await utimes(join(root, f), past, past);
  return root;
}

describe('build freshness (npm start / npm run serve rebuild only when needed)', () => {
  it('a missing build is stale', async () => {
    expect(buildIsStale(await project(), ['out/renderer/index.html'])).toBe(true);
  });

  it('a build newer than every source is used as it is; editing a nested source makes it stale', async () => {
    const root = await project();
    await writeFile(join(root, 'out', 'renderer', 'index.html'), '<html>');
    expect(buildIsStale(root, ['out/renderer/index.html'])).toBe(false);
    const later = new Date(Date.now() + 60_000);
    await utimes(join(root, 'renderer', 'screens', 'Usage.tsx'), later, later);
    expect(buildIsStale(root, ['out/renderer/index.html'])).toBe(true);
  });

  it('is stale when any one of several outputs is missing', async () => {
    const root = await project();
    await writeFile(join(root, 'out', 'renderer', 'index.html'), '<html>');
    expect(buildIsStale(root, ['out/renderer/index.html', 'out/main/main.js'])).toBe(true);
  });
});
