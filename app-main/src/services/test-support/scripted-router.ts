/**
 * A loopback "router" that answers from a script, for replies the simulator has no fault for
 * (e.g. `!fatal` in the same write as a `!done`). Each command's replies go out in one write, the
 * command's `.tag=` added to every sentence but `!fatal` (which has none, protocol.md §5.2).
 */
import net from 'node:net';
import { encodeSentence, SentenceDecoder } from '../../../../protocol/src/index';

/** `connection` counts the router's connections from 1; `close` ends this one (FIN after what was written). */
export type Script = (command: string, reply: (...sentences: string[][]) => void, connection: number, close: () => void) => void;

export async function scriptedRouter(script: Script): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new SentenceDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const sentence of decoder.push(new Uint8Array(chunk))) {
        const words = sentence.map((w) => Buffer.from(w).toString('utf8'));
        const tag = words.find((w) => w.startsWith('.tag='));
        const reply = (...sentences: string[][]): void => {
          const bytes = sentences.map((s) => encodeSentence(s[0] === '!fatal' || !tag ? s : [...s, tag]));
          socket.write(Buffer.concat(bytes));
          if (sentences.some((s) => s[0] === '!fatal')) socket.end();
        };
        script(words[0]!, reply, connection, () => socket.end());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
