import type { Api } from '../../app-main/src/common/contract';
import { createChurnSource, type ChurnSource } from './churn-source';

/**
 * Entry of the bench build only (bench.html, never shipped): the renderer with the benchmark's
 * churn source injected as `window.tikscope`, exactly where Electron's preload puts the real
 * bridge, so the benchmark measures the renderer alone. `window.tikscopeBench` drives the source.
 */
declare global {
  interface Window {
    tikscope?: Api;
    tikscopeBench?: ChurnSource;
  }
}

const params = new URLSearchParams(location.search);
const source = createChurnSource({
  batchMs: Number(params.get('batchMs') ?? 100),
  seed: 7,
  routers: Number(params.get('routers') ?? 0),
  online: Number(params.get('online') ?? 0),
});
window.tikscope = source.api;
window.tikscopeBench = source;
window.performance.mark('tikscope-start');
await import('../src/main');
