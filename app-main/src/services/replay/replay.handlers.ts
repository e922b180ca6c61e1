import type { BridgeHandlers } from '../../common/contract';
import type { ReplayService } from './replay';
import { exportRepro, type ReproExportDeps } from './repro-export';

export type ReplayCalls = 'replay:plan' | 'replay:run' | 'replay:cancel' | 'repro:export';

/** Replaying a recorded trace against a router, and exporting a repro bundle. */
export function replayHandlers(deps: {
  replay: ReplayService;
  repro: ReproExportDeps;
  checkAlive: () => void;
}): Pick<BridgeHandlers, ReplayCalls> {
  const { replay, checkAlive } = deps;
  return {
    'replay:plan': async (args) => replay.plan(args),
    'replay:run': async (args) => {
      checkAlive();
      return replay.run(args);
    },
    'replay:cancel': async (args) => replay.cancel(args),
    'repro:export': async (args) => exportRepro(deps.repro, args.connectionId, args.description),
  };
}
