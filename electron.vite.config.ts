import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './electron/security';

// electron-vite reads the Electron major version from node_modules/electron to pick build targets.
// Electron is an optional dependency (absent where its download is blocked): give the version from
// package.json so the console still builds, for browser mode.
process.env.ELECTRON_MAJOR_VER ??= (JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { optionalDependencies: { electron: string } }).optionalDependencies.electron.split('.')[0];

/**
 * The built console carries its CSP as a <meta> tag, so browser mode has it too (the desktop also
 * sends it as a header). Builds only: the dev server needs React Fast Refresh's inline preamble.
 */
function cspMeta(): Plugin {
  const policy = contentSecurityPolicy({ kind: 'file', url: 'file:///index.html' }).replace(/; frame-ancestors[^;]*/, '');
  return {
    name: 'meterdesk-csp-meta',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<meta charset="UTF-8" />', `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`),
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // keytar is an optional dependency (native); electron-vite would otherwise bundle and break it.
      externalizeDeps: { include: ['keytar'] },
      lib: { entry: resolve(__dirname, 'electron/main.ts') },
    },
  },
  preload: {
    // A sandboxed preload cannot require() modules: bundle trpc-electron into it, emit CommonJS.
    build: {
      outDir: 'out/preload',
      externalizeDeps: { exclude: ['trpc-electron'] },
      lib: { entry: resolve(__dirname, 'electron/preload.ts'), formats: ['cjs'] },
      rollupOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), cspMeta()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
