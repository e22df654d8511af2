// A stand-in for the `electron` module, just enough for trpc-electron's main handler: an
// EventEmitter as ipcMain. trpc-electron is loaded by Node itself (vitest externalizes
// node_modules, so vi.mock cannot reach its `import … from 'electron'`); a module resolve hook maps
// that one specifier to this stand-in instead. Nothing else is faked: router, database and
// session handling are the real ones.
import { EventEmitter } from 'node:events';
import { register } from 'node:module';

interface FakeElectron {
  ipcMain: EventEmitter;
  contextBridge: { exposeInMainWorld(): never };
  ipcRenderer: EventEmitter;
}

const KEY = '__meterdeskFakeElectron';
const globals = globalThis as typeof globalThis & { [KEY]?: FakeElectron };

const stub = `const e = globalThis.${KEY};
if (!e) throw new Error('fake electron used before installFakeElectron()');
export const ipcMain = e.ipcMain;
export const contextBridge = e.contextBridge;
export const ipcRenderer = e.ipcRenderer;
export default e;`;

const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(stub)}`)}, shortCircuit: true };
  return next(specifier, context);
}`;

/** Installs the stand-in (once per process) and returns its ipcMain. Import trpc-electron only after this. */
export function installFakeElectron(): FakeElectron {
  if (!globals[KEY]) {
    globals[KEY] = {
      ipcMain: new EventEmitter(),
      contextBridge: {
        exposeInMainWorld: () => {
          throw new Error('contextBridge is not available in this test');
        },
      },
      ipcRenderer: new EventEmitter(),
    };
    register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  }
  return globals[KEY];
}
