import type { Api } from '../../../app-main/src/common/contract';
import { createFakeApi, type FakeBackend } from '../bridge/fake';

/**
 * Entry of the bench/demo build only (bench.html, never shipped): the renderer with the in-memory
 * fake bridge injected as `window.tikscope`, exactly where Electron's preload puts the real one,
 * so the benchmark measures the renderer alone. `window.tikscopeFake` drives the fake.
 */
declare global {
  interface Window {
    tikscope?: Api;
    tikscopeFake?: FakeBackend;
  }
}

const params = new URLSearchParams(location.search);
const { api, backend } = createFakeApi({
  batchMs: Number(params.get('batchMs') ?? 100),
  seed: 7,
  keychain: params.get('keychain') !== 'absent',
});
window.tikscope = api;
window.tikscopeFake = backend;
window.performance.mark('tikscope-start');
await import('../main');
