import type { BridgeHandlers } from '../../common/contract';
import type { LibraryStore } from './library';

export type LibraryCalls =
  'library:list' | 'library:save' | 'library:delete' | 'library:import' | 'library:export' | 'library:preview' | 'library:run';

export function libraryHandlers(deps: { library: LibraryStore; checkAlive: () => void }): Pick<BridgeHandlers, LibraryCalls> {
  const { library, checkAlive } = deps;
  return {
    'library:list': async () => library.list(),
    'library:save': async (args) => {
      checkAlive();
      return library.save(args.id, args.input);
    },
    'library:delete': async (args) => {
      checkAlive();
      return library.delete(args.id);
    },
    'library:import': async (args) => {
      checkAlive();
      return library.import(args.files);
    },
    'library:export': async (args) => library.export(args.ids),
    'library:preview': async (args) => library.preview(args),
    'library:run': async (args) => {
      checkAlive();
      return library.run(args);
    },
  };
}
