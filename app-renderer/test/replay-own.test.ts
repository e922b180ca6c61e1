import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

describe('Replay: who sent a sentence', () => {
  it('a /system/identity/print the user typed is not "sent by Tikscope"; the login’s read is', async () => {
    const { s } = await setup();
    const id = s().connections[0]!.id;
    await s().connect(id);
    await s().sendCommand(id, ['/system/identity/print']);
    await s().openReplay(id);
    const reads = s()
      .replays[id]!.plan!.sentences.filter((x) => x.words[0] === '/system/identity/print')
      .map((x) => x.background);
    // The link's read at login (Tikscope's own), then the user's.
    expect(reads).toEqual([true, false]);
  });
});
