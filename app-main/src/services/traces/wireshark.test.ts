/**
 * The Wireshark dissector (resources/wireshark/routeros-api.lua, docs/wireshark.md) read by tshark
 * against Tikscope's own pcapng exports and against a capture of the CLI talking to the simulator:
 * the words tshark shows must be the trace's words exactly (issue 16).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSentence, encodeUtf8, SentenceDecoder } from '../../../../protocol/src/index';
import { connect } from '../../../../protocol/node/connect';
import { startSimulator } from '../../../../simulator/src/index';
import { buildTool, toolPaths } from '../../../../scripts/build.d/10-cli.mjs';
import type { Services } from '../index';
import { FAST_TIMINGS, servicesRig, tempDir } from '../test-support/helpers';
import { buildPcapng, type PcapSegment } from './pcapng';
import { REDACTED } from './redact';
import { TraceBuffer } from './trace';
import { exportTrace } from './trace-export';

const root = new URL('../../../../', import.meta.url).pathname;
const LUA = join(root, 'resources/wireshark/routeros-api.lua');
const TSHARK = process.env.TSHARK ?? '/usr/bin/tshark';
const haveTshark = existsSync(TSHARK);
const title = haveTshark
  ? 'the Wireshark dissector under tshark'
  : `the Wireshark dissector under tshark — SKIPPED: ${TSHARK} not found (Debian package tshark; CI installs it)`;

/** One sentence as the dissector showed it. */
interface Dissected {
  frame: number;
  words: string[];
  command?: string;
  reply?: string;
  tag?: string;
  attrs: [string, string][];
  /** Expert info messages inside the sentence (traps, fatals, non-minimal prefixes). */
  experts: string[];
  prefixes: string[];
  /** On a reply: seconds since its command (`routeros.response_time`). */
  responseTime?: number;
}

type Json = string | Json[] | { [k: string]: Json };
const list = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function collect(v: Json | undefined, key: string, out: string[] = []): string[] {
  if (v === undefined || typeof v === 'string') return out;
  if (Array.isArray(v)) {
    for (const x of v) collect(x, key, out);
    return out;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === key) for (const s of list(x)) if (typeof s === 'string') out.push(s);
    collect(x, key, out);
  }
  return out;
}

let home: string;
beforeAll(() => {
  // tshark keeps its profile under $HOME: a fresh one, so no personal preference changes the result.
  home = mkdtempSync(join(tmpdir(), 'tikscope-tshark-home-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function tshark(file: string, ...args: string[]): string {
  return execFileSync(TSHARK, ['-n', '-X', `lua_script:${LUA}`, '-r', file, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    // stderr holds tshark's "Running as user root" warning in CI; failures still throw.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home },
  });
}

/**
 * Every sentence the dissector found, in capture order. `port`: a router port other than 8728,
 * given to tshark as Wireshark's Decode As does (`-d tcp.port==N,routeros`).
 */
function dissect(file: string, port?: number): Dissected[] {
  const decodeAs = port === undefined ? [] : ['-d', `tcp.port==${port},routeros`];
  const packets = JSON.parse(
    tshark(file, ...decodeAs, '-T', 'json', '--no-duplicate-keys', '-J', 'frame routeros', '-Y', 'routeros'),
  ) as {
    _source: { layers: { frame: { 'frame.number'?: string }; routeros: { [k: string]: Json } } };
  }[];
  const out: Dissected[] = [];
  for (const p of packets) {
    const layer = p._source.layers.routeros;
    const frame = Number(p._source.layers.frame['frame.number']);
    for (const s of list(layer['routeros.sentence_tree'])) {
      const tree = s as { [k: string]: Json };
      const get = (k: string) => (typeof tree[k] === 'string' ? tree[k] : undefined);
      const names = collect(tree['routeros.word_tree'], 'routeros.attr.name');
      const values = collect(tree['routeros.word_tree'], 'routeros.attr.value');
      out.push({
        frame,
        words: list(tree['routeros.word']) as string[],
        command: get('routeros.command'),
        reply: get('routeros.reply'),
        tag: get('routeros.tag'),
        attrs: names.map((n, k) => [n, values[k]!]),
        experts: collect(tree, '_ws.expert.message'),
        prefixes: collect(tree['routeros.word_tree'], 'routeros.word.prefix'),
        ...(get('routeros.response_time') !== undefined ? { responseTime: Number(get('routeros.response_time')) } : {}),
      });
    }
  }
  return out;
}

const rig = servicesRig({ services: { timings: FAST_TIMINGS }, sim: () => ({ password: 'pw' }) });

async function connectRouter(s: Services, port: number): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name: 'R1', host: '127.0.0.1', port, transport: 'plain', user: 'admin', password: 'pw' },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

async function send(s: Services, connectionId: string, words: string[]): Promise<void> {
  const ref = await s.handlers['console:send']({ connectionId, words });
  await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
}

describe.skipIf(!haveTshark)(title, () => {
  it('a pcapng export of a real session: the words, replies, tags and commands of the trace, a 70 kB word across segments', async () => {
    const router = await rig.sim();
    const s = await rig.start();
    const id = await connectRouter(s, router.port!);
    const long = 'L'.repeat(70_000);
    await send(s, id, ['/interface/print']);
    await send(s, id, ['/ip/address/add', '=address=192.0.2.1/24', '=interface=ether3', `=comment=${long}`]);
    await send(s, id, ['/ip/address/print', '?address=192.0.2.1/24']);
    await send(s, id, ['/no/such/menu']);

    const trace = (await s.handlers['trace:get']({ connectionId: id })).entries.filter((e) => e.direction !== 'note');
    const exp = await s.handlers['trace:export']({ connectionId: id, format: 'pcapng' });
    const file = join(rig.dir, exp.fileName);
    writeFileSync(file, Buffer.from(exp.data, 'base64'));
    // The simulator listens on a port of its own: Decode As.
    expect(dissect(file)).toEqual([]);
    const got = dissect(file, router.port!);

    // Every sentence, every word, in order: exactly the trace (its password already redacted).
    expect(got.map((d) => d.words)).toEqual(trace.map((e) => e.words));
    expect(got.map((d) => d.tag)).toEqual(trace.map((e) => e.tag));
    expect(got[0]!.words).toEqual(['/login', '=name=admin', `=password=${REDACTED}`]);
    // Replies name their type; commands name themselves, and replies name theirs by tag.
    for (const [k, d] of got.entries()) {
      const first = trace[k]!.words[0]!;
      if (first.startsWith('!')) expect(d.reply).toBe(first);
      else expect([d.command, d.reply]).toEqual([first, undefined]);
    }
    const row = got.find((d) => d.reply === '!re' && d.words.includes(`=comment=${long}`));
    expect(row, 'the 70 kB row').toBeDefined();
    expect(row!.command).toBe('/ip/address/print');
    expect(row!.attrs).toContainEqual(['comment', long]);
    const decodeAs = ['-d', `tcp.port==${router.port!},routeros`];
    const reassembled = tshark(
      file,
      ...decodeAs,
      '-Y',
      `frame.number == ${row!.frame}`,
      '-T',
      'fields',
      '-e',
      'tcp.reassembled.length',
    );
    expect(Number(reassembled.trim())).toBe(
      trace.find((e) => e.direction === 'in' && e.words.includes(`=comment=${long}`))!.bytes,
    );
    // The UTF-8 comment of ether2 reads as text.
    expect(got.flatMap((d) => d.attrs)).toContainEqual(['comment', 'Büro LAN']);
    // Reply times: from the trace's own times (the pcapng keeps microseconds).
    for (const [k, d] of got.entries()) {
      if (d.reply === undefined) continue;
      const sent = trace
        .slice(0, k)
        .reverse()
        .find((e) => e.direction === 'out' && e.tag === trace[k]!.tag);
      expect(d.responseTime, `reply ${k}`).toBeCloseTo((trace[k]!.time - sent!.time) / 1000, 5);
    }
    // The traps (the simulator sends two, as RouterOS does): marked for the expert with their
    // message, and tied to their command.
    const traps = got.filter((d) => d.reply === '!trap');
    expect(traps.map((d) => d.command)).toEqual(['/no/such/menu', '/no/such/menu']);
    expect(traps.map((d) => d.experts)).toEqual([['Trap: no such command or directory (no)'], ['Trap: no such command prefix']]);
    // The fields work as display filters.
    const filtered = tshark(file, ...decodeAs, '-Y', 'routeros.reply == "!trap"', '-T', 'fields', '-e', 'routeros.tag');
    expect(filtered.trim().split('\n')).toEqual(traps.map((d) => d.tag));
  });

  it('sentences with every length-prefix form, the five-byte one included, and !empty and !fatal, from a router that sends them', async () => {
    // A router that frames its replies with non-minimal prefixes, as peer encoders may
    // (protocol.md §2 "Minimal form"): two, three, four and five bytes for short words.
    const cat = (...parts: (number[] | string)[]): Buffer =>
      Buffer.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
    const server = net.createServer((socket) => {
      const decoder = new SentenceDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const sentence of decoder.push(new Uint8Array(chunk))) {
          const words = sentence.map((w) => Buffer.from(w).toString('utf8'));
          const tag = words.find((w) => w.startsWith('.tag='));
          if (words[0] === '/login') socket.write(encodeSentence(['!done']));
          else if (words[0] === '/interface/print')
            // All of it in one write: several sentences in one segment on the wire.
            socket.write(
              Buffer.concat([
                cat([0x80, 0x03], '!re', [0xc0, 0x00, 0x0c], '=name=ether1', [0xe0, 0x00, 0x00, tag!.length], tag!, [0x00]),
                cat([0xf0, 0x00, 0x00, 0x00, 0x05], '!done', [tag!.length], tag!, [0xf0, 0x00, 0x00, 0x00, 0x00]),
              ]),
            );
          else if (words[0] === '/ip/route/print')
            socket.write(encodeSentence(['!empty', tag!]), () => socket.write(encodeSentence(['!done', tag!])));
          else socket.end(encodeSentence(['!fatal', 'session terminated on request']));
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const trace = new TraceBuffer('c1', 1 << 20);
    trace.beginSession();
    try {
      const closed = new Promise<void>((resolve) => {
        void connect({
          host: '127.0.0.1',
          port,
          user: 'admin',
          password: 'secret',
          onSent: (w, t) => void trace.captureSent(w, t),
          onReceived: (r, t) => void trace.captureReply(r, t),
          onClose: () => resolve(),
        }).then(async ({ session }) => {
          await session.command([encodeUtf8('/interface/print')]);
          await session.command([encodeUtf8('/ip/route/print')]);
          session.command([encodeUtf8('/quit')]).catch(() => undefined);
        });
      });
      await closed;
    } finally {
      server.close();
    }
    const tmp = tempDir();
    try {
      const exp = exportTrace(trace, 'pcapng', {
        name: 'raw',
        host: '127.0.0.1',
        port: 8728,
        transport: 'plain',
        appVersion: 'test',
        exportedAt: new Date(0).toISOString(),
      });
      const file = join(tmp.dir, exp.fileName);
      writeFileSync(file, Buffer.from(exp.data, 'base64'));
      const got = dissect(file);
      const entries = trace.snapshot().entries.filter((e) => e.direction !== 'note');
      expect(got.map((d) => d.words)).toEqual(entries.map((e) => e.words));
      expect(got.map((d) => d.reply ?? d.command)).toEqual([
        '/login',
        '!done',
        '/interface/print',
        '!re',
        '!done',
        '/ip/route/print',
        '!empty',
        '!done',
        '/quit',
        '!fatal',
      ]);

      const re = got.find((d) => d.reply === '!re')!;
      expect(re.prefixes).toEqual(['80:03', 'c0:00:0c', 'e0:00:00:07']);
      expect(re.command).toBe('/interface/print');
      const done = got.find((d) => d.reply === '!done' && d.command === '/interface/print')!;
      expect(done.prefixes).toEqual(['f0:00:00:00:05', '07']);
      expect(done.experts).toEqual([
        'Length prefix of 5 bytes for 5 (1 would do)',
        'Length prefix of 5 bytes for 0 (1 would do)',
      ]);
      expect(got.find((d) => d.reply === '!empty')!.command).toBe('/ip/route/print');
      expect(got.find((d) => d.reply === '!fatal')!.experts).toEqual(['Fatal: session terminated on request']);
      // The expert summary groups them as tshark's expert view does.
      const expert = tshark(file, '-q', '-z', 'expert');
      expect(expert).toMatch(/Errors \(1\)[\s\S]*ROUTEROS\s+Fatal: session terminated on request/);
    } finally {
      tmp.cleanup();
    }
  });

  it('a byte that cannot start a length prefix is marked malformed, after the sentences before it', () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'reserved.pcapng');
      // A reserved control byte (0xF8-0xFF, protocol.md §2) after a whole sentence in one segment.
      const payload = Buffer.concat([encodeSentence(['!re', '=name=ether1']), Buffer.from([0xf8, 0x01, 0x02])]);
      writeFileSync(
        file,
        buildPcapng([{ time: 1, direction: 'in', payload, session: 1 }], { serverPort: 8728, application: 'test' }),
      );
      expect(dissect(file).map((d) => d.words)).toEqual([['!re', '=name=ether1']]);
      expect(tshark(file, '-q', '-z', 'expert')).toMatch(
        /Errors \(1\)[\s\S]*Malformed\s+ROUTEROS\s+Byte 0xF8 cannot start a length prefix/,
      );
    } finally {
      tmp.cleanup();
    }
  });

  it('a capture of the CLI talking to the simulator, written with the pcapng writer: the words of both directions, several sentences per segment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tikscope-wireshark-cli-'));
    const sim = await startSimulator({ activity: false });
    // A loopback relay between the CLI and the simulator records each chunk as a TCP segment.
    const segments: PcapSegment[] = [];
    const relay = net.createServer((client) => {
      const upstream = net.connect(sim.port!, '127.0.0.1');
      client.on('data', (b: Buffer) => {
        segments.push({ time: Date.now(), direction: 'out', payload: new Uint8Array(b), session: 1 });
        upstream.write(b);
      });
      upstream.on('data', (b: Buffer) => {
        segments.push({ time: Date.now(), direction: 'in', payload: new Uint8Array(b), session: 1 });
        client.write(b);
      });
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    try {
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
      await buildTool({ root, outDir: dir }, 'cli');
      const child = spawn(
        process.execPath,
        [toolPaths(dir, 'cli').bundle, '127.0.0.1', 'admin', '--port', String((relay.address() as net.AddressInfo).port)],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      );
      const out: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      const code = new Promise<number | null>((r) => child.on('close', r));
      child.stdin.end('/interface/print\n.tag=a\n\n/ip/address/print\n.tag=b\n\n/nothing/here\n.tag=c\n\n');
      expect(await code).toBe(0);

      const file = join(dir, 'cli.pcapng');
      writeFileSync(file, buildPcapng(segments, { serverPort: 8728, application: 'test' }));
      const got = dissect(file);
      // What each side sent, decoded by Tikscope's own decoder from the relayed bytes.
      const decode = (direction: 'in' | 'out') =>
        new SentenceDecoder()
          .push(Buffer.concat(segments.filter((x) => x.direction === direction).map((x) => x.payload)))
          .map((sentence) => sentence.map((w) => Buffer.from(w).toString('utf8')));
      // The dissector shows a password as Tikscope's traces and the CLI do: starred, even when empty.
      const sent = decode('out').map((words) => words.map((w) => (w.startsWith('=password=') ? `=password=${REDACTED}` : w)));
      const received = decode('in');
      expect(got.filter((d) => d.reply === undefined).map((d) => d.words)).toEqual(sent);
      expect(got.filter((d) => d.reply !== undefined).map((d) => d.words)).toEqual(received);
      // The CLI printed the same words (its login with the password starred, as the dissector shows it).
      const printed = Buffer.concat(out).toString('utf8');
      for (const d of got) for (const w of d.words) expect(printed).toContain(`${d.reply ? '>>>' : '<<<'} ${w}\n`);
      // The simulator answers a print in one write: several sentences in one segment.
      const perFrame = new Map<number, number>();
      for (const d of got) perFrame.set(d.frame, (perFrame.get(d.frame) ?? 0) + 1);
      expect(Math.max(...perFrame.values())).toBeGreaterThan(1);
      expect(got.filter((d) => d.tag === 'b' && d.reply === '!re').every((d) => d.command === '/ip/address/print')).toBe(true);
      expect(got.find((d) => d.tag === 'c' && d.reply === '!trap')?.experts).toHaveLength(1);

      // The same bytes cut into 3-byte segments: every sentence and most prefixes straddle
      // segment boundaries (protocol.md §1), and reassembly still gives the same sentences.
      const cut = join(dir, 'cli-3-byte-segments.pcapng');
      writeFileSync(cut, buildPcapng(segments, { serverPort: 8728, application: 'test', maxSegment: 3 }));
      expect(dissect(cut).map((d) => d.words)).toEqual(got.map((d) => d.words));
    } finally {
      relay.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
