import type { SliceContext } from './context';
import type { DiscoveryActions, DiscoveryViewState } from './types';

/**
 * Neighbour discovery (issue 15; docs/ui.md, "Discovered routers"): the routers main heard over
 * MNDP, as the `discovery:changed` event and `discovery:list` give them, and the Discover action.
 */
export function discoverySlice({ set, get, api }: SliceContext): DiscoveryViewState & DiscoveryActions {
  return {
    discovery: undefined,
    discovering: false,

    async loadDiscovery() {
      const r = await api['discovery:list']({});
      if (r.ok) set({ discovery: r.value });
      else get().reportError(r.error, 'Discovered routers');
    },

    applyDiscovery(state) {
      set({ discovery: state });
    },

    async setMndpListen(on) {
      const r = await api['settings:set']({ mndpListen: on });
      if (!r.ok) {
        get().reportError(r.error, 'Saving the discovery setting');
        return;
      }
      set({ settings: r.value });
      // main rebinds before answering; the new state follows as an event too.
      await get().loadDiscovery();
    },

    async discover() {
      set({ discovering: true });
      const r = await api['discovery:discover']({});
      set({ discovering: false });
      if (r.ok) set({ discovery: r.value });
      else get().reportError(r.error, 'Discover');
    },
  };
}
