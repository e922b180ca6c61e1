/**
 * The command-line client end to end: the real program (bundled once, as `npm run build` does)
 * against the scripted peer over loopback TCP and TLS, checking stdout byte for byte, stderr and
 * exit codes (design.md §4).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTool, toolPaths } from '../../scripts/build.d/10-cli.mjs';
import { ANONYMOUS_SERVER, testCerts } from './certs';
import { routerScript, ScriptedPeer, type PeerConnection, type PeerOptions, type RouterScriptOptions } from './peer';

const root = new URL('../..', import.meta.url).pathname;
let dir: string;
let cliPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tikscope-cli-test-'));
  // Built the way `npm run build` and `npm run cli` build it (one set of esbuild options).
  await buildTool({ root, outDir: dir }, 'cli');
  cliPath = toolPaths(dir, 'cli').bundle;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const peers: ScriptedPeer[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const p of peers.splice(0)) await p.close();
});

async function startPeer(options: PeerOptions): Promise<ScriptedPeer> {
  const peer = await ScriptedPeer.start(options);
  peers.push(peer);
  return peer;
}

async function router(options: RouterScriptOptions = {}, tls?: PeerOptions['tls']): Promise<ScriptedPeer> {
  return startPeer({ script: routerScript(options), ...(tls ? { tls } : {}) });
}

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

interface Cli {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is read. */
  result: Promise<Run>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv = {}, pauseStdout = false): Cli {
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  if (pauseStdout) child.stdout!.pause();
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  child.stdin!.on('error', () => undefined);
  const result = new Promise<Run>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
  });
  return { child, result };
}

function runCli(args: string[], stdin: string | Buffer = '', env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const cli = startCli(args, env);
  cli.child.stdin!.end(stdin);
  return cli.result;
}

/** The exact transcript of the manual's example client, with our plain-first login (design.md §4). */
const SEED_TRANSCRIPT = [
  '<<< /login',
  '<<< =name=admin',
  '<<< =password=********',
  '<<< ',
  '>>> !done',
  '>>> =ret=93b438ec9b80057c06dd9fe67d56aa9a',
  '>>> ',
  '<<< /login',
  '<<< =name=admin',
  '<<< =response=00e134102a9d330dd7b1849fedfea3cb57',
  '<<< ',
  '>>> !done',
  '>>> ',
  '<<< /user/getall',
  '<<< ',
  '>>> !re',
  '>>> =.id=*1',
  '>>> =disabled=no',
  '>>> =name=admin',
  '>>> =group=full',
  '>>> =address=0.0.0.0/0',
  '>>> =netmask=0.0.0.0',
  '>>> ',
  '>>> !done',
  '>>> ',
  '',
].join('\n');

const USER_GETALL: RouterScriptOptions['commands'] = {
  '/user/getall': (_w, reply) => {
    reply('!re', '=.id=*1', '=disabled=no', '=name=admin', '=group=full', '=address=0.0.0.0/0', '=netmask=0.0.0.0');
    reply('!done');
  },
};

describe('CLI output format', () => {
  it('matches the manual’s example client byte for byte (MD5 login, empty password)', async () => {
    const peer = await router({ login: 'challenge', commands: USER_GETALL });
    for (const args of [
      ['127.0.0.1', 'admin'],
      ['127.0.0.1', 'admin', ''],
    ]) {
      const r = await runCli([...args, '--port', String(peer.port)], '/user/getall\n\n');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.toString('latin1')).toBe(SEED_TRANSCRIPT);
    }
  });

  it('the transcript’s lines appear in the manual’s example in the same order', () => {
    // The manual's text, kept in the repository with its credit (fixtures/README.md).
    const example = readFileSync(join(root, 'protocol/test/fixtures/manual-example.txt'), 'utf8');
    const start = example.indexOf("./api.py 10.0.0.1 admin ''");
    expect(start).toBeGreaterThan(0);
    // The web page turned some spaces after ">>>" into no-break spaces.
    const lines = example
      .slice(start)
      .replace(/\u00a0/g, ' ')
      .split('\n');
    let at = 0;
    // Our login starts with the plain form (design.md §4), so its =name= and =password= lines are ours.
    const ours = SEED_TRANSCRIPT.split('\n').filter((_, i) => i !== 1 && i !== 2);
    for (const line of ours.slice(0, -1)) {
      const found = lines.indexOf(line, at);
      expect([line, found >= 0]).toEqual([line, true]);
      at = found + 1;
    }
  });

  it('escapes control characters, invalid UTF-8, backslashes and newlines; reads input escapes', async () => {
    const peer = await router({
      commands: {
        '/esc': (words, reply) => {
          reply('!re', Buffer.from([0x3d, 0x76, 0x3d, 0x5c, 0x0a, 0x01, 0x1b, 0x7f, 0xc3, 0xa9, 0xe9, 0xc2, 0x85, 0x20, 0x7e]));
          reply('!re', `=echo=${words[1]!}`);
          reply('!done');
        },
      },
    });
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port)], '/esc\n=in=a\\\\b\\nc\\x00\\xFF\n\n');
    expect(r.code).toBe(0);
    // What the router received: the exact bytes the escapes stand for.
    expect([...Buffer.from(peer.connections[0]!.received[1]![1]!, 'utf8')].slice(0, 5)).toEqual([0x3d, 0x69, 0x6e, 0x3d, 0x61]);
    const after = r.stdout.toString('latin1').split('<<< /esc\n')[1]!;
    expect(after).toBe(
      [
        '<<< =in=a\\\\b\\nc\\x00\\xff',
        '<<< ',
        '>>> !re',
        `>>> =v=\\\\\\n\\x01\\x1b\\x7f${Buffer.from('é').toString('latin1')}\\xe9\\xc2\\x85 ~`,
        '>>> ',
        '>>> !re',
        // The router decoded \xFF as U+FFFD on its side (the peer works in text); bytes stay exact here.
        `>>> =echo==in=a\\\\b\\nc\\x00${Buffer.from('\ufffd').toString('latin1')}`,
        '>>> ',
        '>>> !done',
        '>>> ',
        '',
      ].join('\n'),
    );
  });

  it('never prints the password; the router gets it', async () => {
    const peer = await router({ password: 's3cr3t!' });
    const r = await runCli(['127.0.0.1', 'admin', 's3cr3t!', '--port', String(peer.port)], '');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('<<< /login\n<<< =name=admin\n<<< =password=********\n<<< \n>>> !done\n>>> \n');
    expect(r.stdout.toString()).not.toContain('s3cr3t');
    expect(peer.connections[0]!.received[0]).toEqual(['/login', '=name=admin', '=password=s3cr3t!']);
  });

  it('answers the MD5 challenge of a pre-6.43 router (protocol.md §6.2 vector)', async () => {
    const peer = await router({ login: 'challenge', password: 'test', challenge: '259e0bc05acd6f46926dc2f809ed1bba' });
    const r = await runCli(['127.0.0.1', 'admin', 'test', '--port', String(peer.port)], '');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('<<< =response=00c7fd865183a43a772dde231f6d0bff13\n<<< \n>>> !done\n>>> \n');
  });
});

describe('CLI session behaviour', () => {
  it('sends sentences exactly as typed, tags included, and waits for every final reply (the manual’s listen/cancel)', async () => {
    let listener: ((words: string[]) => void) | undefined;
    const peer = await router({
      commands: {
        '/interface/listen': (_w, reply) => {
          reply('!re', '=.id=*1', '=name=ether1');
          listener = (cancelWords) => {
            const cancelTag = cancelWords.find((w) => w.startsWith('.tag='));
            reply('!trap', '=category=2', '=message=interrupted');
            if (cancelTag) peerConn().send('!done', cancelTag);
            reply('!done');
          };
        },
        '/cancel': (words) => listener?.(words),
      },
    });
    const peerConn = (): PeerConnection => peer.connections[0]!;
    const r = await runCli(
      ['127.0.0.1', 'admin', '--port', String(peer.port)],
      '/interface/listen\n.tag=2\n\n/cancel\n=tag=2\n.tag=7\n\n',
    );
    expect(r.code).toBe(0);
    expect(peerConn().received.slice(1)).toEqual([
      ['/interface/listen', '.tag=2'],
      ['/cancel', '=tag=2', '.tag=7'],
    ]);
    expect(r.stdout.toString().split('\n').slice(-12).join('\n')).toBe(
      [
        '>>> !trap',
        '>>> =category=2',
        '>>> =message=interrupted',
        '>>> .tag=2',
        '>>> ',
        '>>> !done',
        '>>> .tag=7',
        '>>> ',
        '>>> !done',
        '>>> .tag=2',
        '>>> ',
        '',
      ].join('\n'),
    );
  });

  it('reads stdin incrementally: the first sentence goes out before the input ends', async () => {
    const peer = await router({ commands: { '/a': (_w, reply) => reply('!done'), '/b': (_w, reply) => reply('!done') } });
    const cli = startCli(['127.0.0.1', 'admin', '--port', String(peer.port)]);
    cli.child.stdin!.write('/a\n\n');
    await waitUntil(() => peer.connections[0]?.received.length === 2);
    cli.child.stdin!.end('/b\n');
    const r = await cli.result;
    expect(r.code).toBe(0);
    // The last sentence had no closing empty line: the end of input closes it.
    expect(peer.connections[0]!.received.slice(1)).toEqual([['/a'], ['/b']]);
  });

  it('/quit: the router’s !fatal is the normal end (exit 0)', async () => {
    const peer = await router();
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port)], '/quit\n\n');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/<<< \/quit\n<<< \n>>> !fatal\n>>> session terminated on request\n>>> \n$/);
  });

  it('replies for tags it never sent are printed and do not count', async () => {
    const peer = await router({
      commands: {
        '/x': (_w, reply, conn) => {
          conn.send('!done', '.tag=999');
          reply('!done');
        },
      },
    });
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port)], '/x\n\n');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('>>> !done\n>>> .tag=999\n>>> \n>>> !done\n>>> \n');
  });

  it('a large reply is flushed completely through a slow pipe (backpressure, no early exit)', async () => {
    const rows = 60_000;
    const peer = await router({
      commands: {
        '/big': (_w, reply, conn) => {
          const chunks: Buffer[] = [];
          for (let i = 0; i < rows; i++) {
            chunks.push(Buffer.from(encodeRow(i)));
          }
          conn.sendRaw(Buffer.concat(chunks));
          reply('!done');
        },
      },
    });
    const cli = startCli(['127.0.0.1', 'admin', '--port', String(peer.port)], {}, true);
    cli.child.stdin!.end('/big\n\n');
    // Let the program fill the pipe and block on it before anything is read.
    await waitUntil(() => (peer.connections[0]?.received.length ?? 0) >= 2);
    cli.child.stdout!.resume();
    const r = await cli.result;
    expect(r.code).toBe(0);
    const text = r.stdout.toString();
    const lines = text.split('\n');
    expect(lines.filter((l) => l === '>>> !re')).toHaveLength(rows);
    expect(lines.filter((l) => l.startsWith('>>> =name=ether'))).toHaveLength(rows);
    expect(lines).toContain(`>>> =name=ether${rows - 1}`);
    expect(text.endsWith('>>> !done\n>>> \n')).toBe(true);
  });
});

describe('CLI failures and exit codes', () => {
  it('exit 2 and one line on stderr for a refused plain login', async () => {
    const peer = await router({ password: 'right' });
    const r = await runCli(['127.0.0.1', 'admin', 'wrong', '--port', String(peer.port)], '/x\n\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: login failed: invalid user name or password (6)\n');
    expect(r.stdout.toString()).toContain('>>> !trap\n>>> =message=invalid user name or password (6)\n>>> \n>>> !done\n>>> \n');
    expect(peer.connections[0]!.received).toHaveLength(1);
  });

  it('exit 2 for a refused MD5 login', async () => {
    const peer = await router({ login: 'challenge', password: 'right' });
    const r = await runCli(['127.0.0.1', 'admin', 'wrong', '--port', String(peer.port)], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: login failed: cannot log in\n');
  });

  it('exit 2 when the router ends the session during login', async () => {
    const peer = await startPeer({ script: (_w, conn) => (conn.send('!fatal', 'too many commands before login'), conn.end()) });
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port)], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: login failed: the router closed the session: too many commands before login\n');
  });

  it('exit 1 when nothing listens (connection refused)', async () => {
    const port = await freePort();
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(port)], '');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: cannot connect to 127.0.0.1:${port}: connection refused (is the API service enabled on that port?)\n`,
    );
    expect(r.stdout.length).toBe(0);
  });

  it('bad arguments print what was wrong and the usage, exit 1; --help exits 0', async () => {
    const r = await runCli(['127.0.0.1'], '');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('error: USER is required');
    expect(r.stderr).toContain('usage: npm run cli -- HOST USER [PASSWORD] [--port N] [--tls | --tls-anon] [--timeout S]');
    const bad = await runCli(['h', 'u', '--port', 'eighty'], '');
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe('error: --port must be a number from 1 to 65535, not "eighty"');
    const help = await runCli(['--help'], '');
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toMatch(/^usage: npm run cli -- HOST USER/);
  });

  it('--timeout bounds connect and login: a silent router gives exit 1', async () => {
    const peer = await startPeer({ script: () => undefined });
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port), '--timeout', '0.3'], '');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: no login reply from 127.0.0.1:${peer.port} within 0.3 s (connect and login)\n`);
  });

  it('--timeout bounds the final wait after the end of input', async () => {
    const peer = await router({ commands: { '/never': () => undefined } });
    // Long enough for the login to finish on a loaded machine; the command then never ends.
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port), '--timeout', '2'], '/never\n\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: timed out after 2 s waiting for the final reply to 1 command\n');
    expect(r.stdout.toString()).toMatch(/<<< \/never\n<<< \n$/);
  });

  it('a framing error ends the connection: exit 1, the offset named, earlier output kept', async () => {
    const peer = await router({
      commands: {
        '/x': (_w, reply, conn) => {
          reply('!re', '=ok=1');
          conn.sendRaw(Buffer.from([0xf8, 1, 2, 3]));
        },
      },
    });
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port)], '/x\n\n');
    expect(r.code).toBe(1);
    // Login reply (7 bytes: 05 "!done" 00) + !re sentence (11 bytes: 03 "!re" 05 "=ok=1" 00).
    expect(r.stderr).toBe(
      `error: framing error at byte 18: reserved control byte 0xF8 where a length prefix was expected (from 127.0.0.1:${peer.port})\n`,
    );
    expect(r.stdout.toString()).toMatch(/>>> !re\n>>> =ok=1\n>>> \n$/);
  });

  it('a hostile 4 GiB prefix is a framing error, not an allocation', async () => {
    const peer = await router({
      commands: { '/x': (_w, _reply, conn) => conn.sendRaw(Buffer.from([0xf0, 0xff, 0xff, 0xff, 0xff, 0x41])) },
    });
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port)], '/x\n\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: framing error at byte 7: word of 4294967295 bytes exceeds the 16777216-byte limit/);
  });

  it('the router closing with commands unanswered: exit 1', async () => {
    const peer = await router({ commands: { '/system/reboot': (_w, _r, conn) => conn.destroy() } });
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port)], '/system/reboot\n\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: (connection closed by 127\\.0\\.0\\.1:${peer.port}|connection to 127\\.0\\.0\\.1:${peer.port} lost: .*) with 1 command unanswered\\n$`,
      ),
    );
  });

  it('a bad escape in the input: exit 1 naming the line and column', async () => {
    const peer = await router({ commands: { '/a': (_w, reply) => reply('!done') } });
    const r = await runCli(['127.0.0.1', 'admin', '--port', String(peer.port)], '/a\n=x=\\q\n\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: input line 2: unknown escape \\q (use \\\\, \\n or \\xNN) at column 4\n');
  });
});

describe('CLI over TLS', () => {
  it('--tls-anon against a certificate-less api-ssl (ADH)', async () => {
    const peer = await router({ commands: USER_GETALL }, { ...ANONYMOUS_SERVER });
    const r = await runCli(['127.0.0.1', 'admin', '--tls-anon', '--port', String(peer.port)], '/user/getall\n\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('>>> =name=admin\n');
  });

  it('--tls verifies against the system CAs (here extended with NODE_EXTRA_CA_CERTS)', async () => {
    const c = await testCerts();
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, c.caCert);
    const peer = await router({}, { key: c.serverKey, cert: c.serverCert });
    const r = await runCli(['127.0.0.1', 'admin', '--tls', '--port', String(peer.port)], '', { NODE_EXTRA_CA_CERTS: caFile });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('--tls refuses a self-signed router certificate: exit 1, one line', async () => {
    const c = await testCerts();
    const peer = await router({}, { key: c.selfSignedKey, cert: c.selfSignedCert });
    const r = await runCli(['127.0.0.1', 'admin', '--tls', '--port', String(peer.port)], '');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^error: TLS handshake with 127\\.0\\.0\\.1:${peer.port} failed: self-signed certificate\\n$`),
    );
    expect(peer.connections.every((conn) => conn.received.length === 0)).toBe(true);
  });

  it('--fingerprint accepts exactly that self-signed certificate', async () => {
    const c = await testCerts();
    const peer = await router({}, { key: c.selfSignedKey, cert: c.selfSignedCert });
    const ok = await runCli(['127.0.0.1', 'admin', '--fingerprint', c.selfSignedFingerprint, '--port', String(peer.port)], '');
    expect(ok.code).toBe(0);
    const wrong = await runCli(['127.0.0.1', 'admin', '--fingerprint', '00'.repeat(32), '--port', String(peer.port)], '');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^error: certificate of 127\.0\.0\.1:\d+ has SHA-256 fingerprint [0-9A-F:]{95}, expected 00:00:/,
    );
  });

  it('a refused handshake (--tls-anon against a certificate-only server): exit 1', async () => {
    const c = await testCerts();
    const peer = await router({}, { key: c.serverKey, cert: c.serverCert });
    const r = await runCli(['127.0.0.1', 'admin', '--tls-anon', '--port', String(peer.port)], '');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: TLS handshake with 127\.0\.0\.1:\d+ failed: .*handshake failure \(the service did not accept anonymous Diffie-Hellman: if it has a certificate, use certificate mode\)\n$/,
    );
  });
});

describe('npm run cli', () => {
  it('runs the compiled client through scripts/cli.mjs, not a TypeScript loader (usage error path)', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['cli']).toBe('node scripts/cli.mjs');
    const child = spawn(process.execPath, [join(root, 'scripts/cli.mjs'), '--bogus'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(Buffer.concat(err).toString().split('\n')[0]).toBe('error: unknown option --bogus');
  });
});

/** One `!re` row of the large-reply test, as wire bytes. */
function encodeRow(i: number): Uint8Array {
  const words = ['!re', `=.id=*${i.toString(16).toUpperCase()}`, `=name=ether${i}`, '=mtu=1500', '=comment=row with some text'];
  const parts: number[] = [];
  for (const w of words) {
    const b = Buffer.from(w);
    parts.push(b.length, ...b);
  }
  parts.push(0);
  return Uint8Array.from(parts);
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls a condition on the external process's effects, with a deadline. */
async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 10));
  }
}
