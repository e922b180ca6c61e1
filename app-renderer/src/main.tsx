import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Api } from '../../app-main/src/common/contract';
import { resolveBridge } from './bridge/resolve';
import { App, ErrorBoundary, NoBridge } from './components/App';
import { StoreContext } from './hooks';
import { createAppStore } from './store';
import { bridgeFailure } from './store/context';
import { bindBridgeEvents } from './store/events';
import './styles/app.css';

const mount = document.getElementById('root');
if (!mount) throw new Error('index.html has no #root');
const root = createRoot(mount);
const bridge = resolveBridge(window as Window & { tikscope?: Api });

if (bridge.kind === 'none') {
  root.render(<NoBridge reason={bridge.reason} />);
} else {
  const store = createAppStore(bridge.api);
  bindBridgeEvents(bridge.api, store);
  if (bridge.kind === 'host') {
    bridge.host.onStatus((status, reconnected) => {
      store.getState().setBridgeStatus(status === 'open' ? 'open' : 'reconnecting');
      // Events were missed while the socket was down: re-read what the sidebar shows.
      if (reconnected)
        store
          .getState()
          .resync()
          .catch((e: unknown) => store.getState().reportError(bridgeFailure(e)));
    });
  }
  // Errors that escape a handler become notices: the page itself must never throw (issue 5).
  window.addEventListener('unhandledrejection', (e) => {
    e.preventDefault();
    store.getState().reportError(bridgeFailure(e.reason));
  });
  store
    .getState()
    .init()
    .catch((e: unknown) => store.setState({ phase: 'error', fatal: bridgeFailure(e) }));
  root.render(
    <StrictMode>
      <ErrorBoundary>
        <StoreContext.Provider value={store}>
          <App />
        </StoreContext.Provider>
      </ErrorBoundary>
    </StrictMode>,
  );
}
