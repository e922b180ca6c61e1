import type { BroadcastWaves } from '../../../app-main/src/common/contract';
import type { WaveForm } from '../store/types';

export function emptyWaveForm(): WaveForm {
  return { on: false, sizeText: '1', pauseText: '0', confirmBetween: false, maxFailuresText: '0' };
}

function whole(text: string, min: number, max: number): number | undefined {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/**
 * The wave options as the bridge takes them, or the first problem in words (the bridge checks
 * again; this only saves a round trip and names the field the way the form labels it).
 */
export function parseWaveForm(f: WaveForm): { waves?: BroadcastWaves; error?: string } {
  if (!f.on) return {};
  const size = whole(f.sizeText, 1, 100);
  if (size === undefined) return { error: 'Routers per wave must be a whole number from 1 to 100.' };
  const pauseSeconds = whole(f.pauseText, 0, 3600);
  if (pauseSeconds === undefined) return { error: 'Pause between waves must be a whole number of seconds from 0 to 3600.' };
  const maxFailures = whole(f.maxFailuresText, 0, 100);
  if (maxFailures === undefined) return { error: 'Failures allowed per wave must be a whole number from 0 to 100.' };
  return { waves: { size, pauseSeconds, confirmBetween: f.confirmBetween, maxFailures } };
}
