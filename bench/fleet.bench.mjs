#!/usr/bin/env node
// Fleet scale benchmark (issue 15; `npm run bench fleet`, or `node bench/fleet.bench.mjs [options]`).
//
// 1. Main process: N saved routers (default 2,000, imported from one CSV file through the bridge
//    handler), C of them (default 1,000) on S simulators (default 10, in a separate process; each
//    allows 100 API sessions, like RouterOS). The services run in their own process, like
//    Electron's main, with every event serialised as the browser host does (host/frames.ts).
//    Measured: connecting all C at once (through the connect concurrency limit), the event-loop
//    delay while C links sit idle with their heartbeats running (default 65 s: two heartbeat
//    rounds at the default 30 s), and resident memory per idle link — RSS after a full GC with C
//    links up, minus the same before connecting, divided by C.
// 2. Renderer: the production renderer (bench build, the churn source as window.tikscope) with N
//    saved routers of which C are connected, heartbeat link states arriving at C/30 per second.
//    Measured: options in the sidebar's DOM, typing in the router search (keydown → next frame,
//    p50/p95; each keystroke's list checked before the next), scrolling the sidebar and the Fleet
//    grid (frames per second while moving 120 px a frame). Peer: the same with 20 routers.
//
// Options: --routers N (2000) --connect N (1000) --sims N (10) --idle S (65) --keys N (60)
//          --no-write (leave docs/benchmarks.md alone) --main-only --renderer-only
// Results go to stdout and to the "Fleet scale" section of docs/benchmarks.md.
/* global window, document, performance, requestAnimationFrame */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';
import {
  bundle,
  child,
  hasFlag,
  machine as machineLine,
  numberOption as opt,
  root,
  runMain,
  shouldWrite,
  today,
  writeSection,
} from './lib.mjs';
import { buildBenchRenderer, serveStatic } from './renderer-lib.mjs';

const ROUTERS = opt('routers', 2000);
const CONNECT = opt('connect', 1000);
const SIMS = opt('sims', 10);
const IDLE_S = opt('idle', 65);
const KEYS = opt('keys', 60);
const WRITE = shouldWrite() && !hasFlag('main-only') && !hasFlag('renderer-only');
// Under out/, not the system's temp folder: the bundled simulator finds the shipped command trees
// (resources/routeros-tree) by walking up from its own file.
mkdirSync(join(root, 'out'), { recursive: true });
const work = mkdtempSync(join(root, 'out', 'fleet-bench-'));

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

// ---------------------------------------------------------------------------------------------
// 1. Main process

const SIMULATORS = `
import { startSimulator } from './simulator/src/index';
const n = Number(process.argv[2]);
const sims = [];
for (let i = 0; i < n; i++)
  sims.push(await startSimulator({ identity: 'fleet-' + (i + 1), seed: i + 1, activity: false, logEveryTicks: 0, maxSessions: 100 }));
process.stdout.write(JSON.stringify(sims.map((s) => s.port)) + '\\n');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
process.stdin.resume();
process.stdin.on('end', async () => {
  const c = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ cpuPercent: ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100 }) + '\\n');
  for (const s of sims) await s.close();
  process.exit(0);
});
`;

const SERVICES = `
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, MemoryCredentialStore } from './app-main/src/services/index';
import { CONNECT_CONCURRENCY } from './app-main/src/services/links/connect-gate';
import { eventFrame } from './app-main/src/host/frames';

const [portsJson, routersS, connectS, idleS] = process.argv.slice(2);
const ports = JSON.parse(portsJson);
const [routers, connect, idle] = [Number(routersS), Number(connectS), Number(idleS)];
const dataDir = mkdtempSync(join(tmpdir(), 'tikscope-fleet-'));
const services = await createServices({
  dataDir, host: 'electron', appVersion: 'bench', credentialStore: new MemoryCredentialStore(),
  ...(process.env.FLEET_TRACE === 'off' ? { traceCapture: false } : {}),
  ...(process.env.FLEET_LIMIT ? { connectConcurrency: Number(process.env.FLEET_LIMIT) } : {}),
});
let events = 0, eventBytes = 0, heartbeats = 0;
let byEvent = {};
services.subscribe((event, payload) => {
  events++;
  const name = event === 'link:state' ? event + ' ' + payload.status + (payload.health ? '+health' : '') : event;
  byEvent[name] = (byEvent[name] ?? 0) + 1;
  eventBytes += eventFrame(event, payload).length;
  if (event === 'link:state' && payload.status === 'online' && payload.health) heartbeats++;
});
const gc = () => { global.gc?.(); global.gc?.(); };
const settle = (ms) => new Promise((r) => setTimeout(r, ms));

// The fleet, as an operator brings it in: one CSV file. The simulators' admin has no password.
const lines = ['name,host,port,user,group'];
for (let i = 0; i < routers; i++) {
  if (i < connect) lines.push('sim-' + i + ',127.0.0.1,' + ports[i % ports.length] + ',admin,sim-' + (i % ports.length));
  else lines.push('spare-' + i + ',192.0.2.' + (i % 250 + 1) + ',8728,admin,spare-' + (i % 20));
}
let t = performance.now();
const imported = await services.handlers['connections:import']({ fileName: 'fleet.csv', content: lines.join('\\n') + '\\n' });
const importMs = performance.now() - t;
const list = (await services.handlers['connections:list']({})).connections;
const byName = new Map(list.map((c) => [c.name, c.id]));
const ids = [];
for (let i = 0; i < connect; i++) ids.push(byName.get('sim-' + i));

await settle(2000);
gc();
const before = process.memoryUsage();

// Connect all at once, as the fleet view's "Connect selected" does.
const lagConnect = monitorEventLoopDelay({ resolution: 1 });
lagConnect.enable();
const cpuConnect = process.cpuUsage();
t = performance.now();
const states = await Promise.all(ids.map((id) => services.handlers['link:connect']({ id })));
const connectMs = performance.now() - t;
const connectCpu = process.cpuUsage(cpuConnect);
lagConnect.disable();
const online = states.filter((s) => s.status === 'online').length;
const notOnline = states.filter((s) => s.status !== 'online').slice(0, 3).map((s) => s.status + ': ' + (s.reason ?? ''));

// Idle: heartbeats every 30 s (the default), nothing else.
await settle(3000);
gc();
const after = process.memoryUsage();
const lag = monitorEventLoopDelay({ resolution: 1 });
heartbeats = 0; events = 0; eventBytes = 0; byEvent = {};
const samples = [];
const cpuIdle = process.cpuUsage();
lag.enable();
t = performance.now();
const end = t + idle * 1000;
while (performance.now() < end) {
  await settle(Math.min(5000, end - performance.now()));
  samples.push({ t: (performance.now() - t) / 1000, rss: process.memoryUsage().rss });
}
lag.disable();
const idleEvents = { events, eventBytes, heartbeats, byEvent: { ...byEvent } };
const idleElapsed = (performance.now() - t) / 1000;
const idleCpu = process.cpuUsage(cpuIdle);
gc();
const end1 = process.memoryUsage();
const stillOnline = (await services.handlers['link:states']({})).filter((s) => s.status === 'online').length;
const machineLoad = loadavg()[0];
t = performance.now();
await Promise.all(ids.map((id) => services.handlers['link:disconnect']({ id })));
const disconnectMs = performance.now() - t;
await services.dispose();
rmSync(dataDir, { recursive: true, force: true });
const ms = (h) => ({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 });
process.stdout.write(JSON.stringify({
  limit: Number(process.env.FLEET_LIMIT ?? CONNECT_CONCURRENCY), imported: imported.imported.length, importMs, connectMs, online, notOnline,
  connectCpuPercent: ((connectCpu.user + connectCpu.system) / 1000 / connectMs) * 100,
  lagConnect: ms(lagConnect), lag: ms(lag), idleElapsed, ...idleEvents,
  arrayBuffersBefore: before.arrayBuffers, arrayBuffersAfter: after.arrayBuffers, externalBefore: before.external, externalAfter: after.external,
  idleCpuPercent: ((idleCpu.user + idleCpu.system) / 1000 / (idleElapsed * 1000)) * 100,
  rssBefore: before.rss, rssAfter: after.rss, rssEnd: end1.rss, heapBefore: before.heapUsed, heapAfter: after.heapUsed,
  heapTotalBefore: before.heapTotal, heapTotalAfter: after.heapTotal, heapTotalEnd: end1.heapTotal,
  samples, stillOnline, machineLoad, disconnectMs,
}) + '\\n');
process.exit(0);
`;

async function mainProcess() {
  const [simsFile, servicesFile] = await Promise.all([bundle(work, 'sims', SIMULATORS), bundle(work, 'services', SERVICES)]);
  console.log(`main process: ${ROUTERS} saved routers, ${CONNECT} connected to ${SIMS} simulators, ${IDLE_S} s idle`);
  const sims = child(simsFile, [String(SIMS)], { keepAlive: true });
  const ports = await sims.first;
  const load = loadavg()[0];
  const r = await child(servicesFile, [JSON.stringify(ports), String(ROUTERS), String(CONNECT), String(IDLE_S)], {
    nodeFlags: ['--expose-gc'],
  }).first;
  r.simsCpu = (await sims.stop()).at(-1)?.cpuPercent ?? NaN;
  r.loadAtStart = load;
  console.log({ ...r, samples: r.samples.map((x) => `${x.t.toFixed(0)}s ${(x.rss / 1048576).toFixed(0)} MiB`).join(' ') });
  return r;
}

// ---------------------------------------------------------------------------------------------
// 2. Renderer

/** Runs in the page: frames per second while `el` scrolls `step` px a frame for `ms` (wrapping). */
function scrollFrames([selector, step, ms]) {
  const el = document.querySelector(selector);
  return new Promise((resolve) => {
    const times = [];
    const start = performance.now();
    const tick = (t) => {
      times.push(t);
      if (el.scrollTop + el.clientHeight + step >= el.scrollHeight) el.scrollTop = 0;
      else el.scrollTop += step;
      if (t - start < ms) requestAnimationFrame(tick);
      else {
        const gaps = times.slice(1).map((x, i) => x - times[i]);
        resolve({ fps: (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000), gaps });
      }
    };
    requestAnimationFrame(tick);
  });
}

/** Runs in the page: keydown → next frame latency of the router search, recorded per key. */
function installSearchProbe(selector) {
  window.__lat = [];
  document.querySelector(selector).addEventListener('keydown', (e) => {
    const t = e.timeStamp;
    requestAnimationFrame(() => window.__lat.push(performance.now() - t));
  });
}

/** The keys typed: prefixes of "router-1", growing and shrinking (every prefix matches names only). */
function keySequence(n) {
  const word = 'router-1';
  const keys = [];
  let len = 0;
  while (keys.length < n) {
    for (; len < word.length && keys.length < n; len++) keys.push(word[len]);
    for (; len > 0 && keys.length < n; len--) keys.push('Backspace');
  }
  return keys;
}

async function typeInto(page, selector, optionSelector, n) {
  await page.evaluate(installSearchProbe, selector);
  const box = page.locator(selector);
  await box.click();
  let typed = '';
  for (const key of keySequence(n)) {
    await box.press(key);
    typed = key === 'Backspace' ? typed.slice(0, -1) : typed + key;
    // Each keystroke's answer is checked before the next: every row shown matches what was typed.
    await page.waitForFunction(
      ([sel, q]) =>
        [...document.querySelectorAll(sel)].every((o) =>
          (o.getAttribute('aria-label') ?? o.textContent).toLowerCase().includes(q),
        ),
      [optionSelector, typed],
    );
  }
  await page.waitForFunction((k) => window.__lat.length >= k, n);
  const lat = await page.evaluate(() => window.__lat);
  await box.fill('');
  return { p50: pct(lat, 0.5), p95: pct(lat, 0.95), max: Math.max(...lat) };
}

/**
 * Frames per second while scrolling, and the renderer's own main-thread work per frame (script,
 * style, layout: Chromium's Performance metrics) — on a shared machine the frame rate also counts
 * the time the browser waits for a core; the work per frame does much less.
 */
async function scrollWithWork(page, cdp, selector) {
  const metrics = async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const m0 = await metrics();
  const r = await page.evaluate(scrollFrames, [selector, 120, 4000]);
  const m1 = await metrics();
  const frames = r.gaps.length;
  const per = (k) => ((m1[k] - m0[k]) * 1000) / frames;
  return {
    fps: r.fps,
    p95: pct(r.gaps, 0.95),
    workMs: per('ScriptDuration') + per('RecalcStyleDuration') + per('LayoutDuration'),
    taskMs: per('TaskDuration'),
    // CPU time, not wall time: what the frame cost, whoever else wanted the cores meanwhile.
    threadMs: per('ThreadTime'),
    processMs: per('ProcessTime'),
  };
}

async function rendererRun(browser, url, routers, online) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const started = Date.now();
  await page.goto(`${url}?routers=${routers}&online=${online}`);
  await page.locator('[data-app-state="ready"]').waitFor({ timeout: 60_000 });
  const readyMs = Date.now() - started;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  // Heartbeats as 1,000 links at 30 s send them (the source emits them as link:state events).
  await page.evaluate(
    (n) => (window.__stopBeats = window.tikscopeBench.heartbeats(n)),
    process.env.FLEET_BEATS === '0' ? 0 : Math.max(1, online / 30),
  );
  const domOptions = await page.evaluate(() => document.querySelectorAll('#router-list [role="option"]').length);
  await typeInto(page, '#connection-search', '#router-list [role="option"]', 10); // warm-up
  const search = await typeInto(page, '#connection-search', '#router-list [role="option"]', KEYS);
  const sidebarScroll = await scrollWithWork(page, cdp, '#router-list');
  // The fleet view: its grid of all routers.
  // With more than a dozen routers connected the window opens on the Fleet view already.
  const fleetButton = page.getByRole('group', { name: 'Multi-router tools' }).getByRole('button', { name: 'Fleet', exact: true });
  const openedOnFleet = (await fleetButton.getAttribute('aria-pressed')) === 'true';
  if (!openedOnFleet) await fleetButton.click();
  await page.getByRole('grid', { name: 'Routers of the fleet' }).waitFor();
  const gridRows = await page.evaluate(() => document.querySelectorAll('.fleet-grid .grid-body [role="row"]').length);
  const fleetFilter = await typeInto(page, '.fleet-filter', '.fleet-grid .grid-body .fleet-name', Math.min(KEYS, 30));
  const fleetScroll = await scrollWithWork(page, cdp, '.fleet-scroll');
  await page.evaluate(() => window.__stopBeats());
  await context.close();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return {
    readyMs,
    openedOnFleet,
    domOptions,
    search,
    sidebarFps: sidebarScroll.fps,
    sidebarP95: sidebarScroll.p95,
    sidebarWork: sidebarScroll.workMs,
    sidebarTask: sidebarScroll.taskMs,
    sidebarThread: sidebarScroll.threadMs,
    sidebarProcess: sidebarScroll.processMs,
    gridRows,
    fleetFilter,
    fleetFps: fleetScroll.fps,
    fleetP95: fleetScroll.p95,
    fleetWork: fleetScroll.workMs,
    fleetTask: fleetScroll.taskMs,
    fleetThread: fleetScroll.threadMs,
    fleetProcess: fleetScroll.processMs,
  };
}

async function renderer() {
  const dir = await buildBenchRenderer(root);
  const server = await serveStatic(dir);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    console.log(`renderer: ${ROUTERS} routers (${CONNECT} connected), and 20 as the peer`);
    const big = await rendererRun(browser, server.url, ROUTERS, CONNECT);
    const small = await rendererRun(browser, server.url, 20, 10);
    console.log({ big, small });
    return { big, small, version: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const m = hasFlag('renderer-only') ? undefined : await mainProcess();
  const r = hasFlag('main-only') ? undefined : await renderer();
  rmSync(work, { recursive: true, force: true });
  if (!m || !r) return;
  const MiB = 1048576;
  const perLinkKiB = (m.rssAfter - m.rssBefore) / m.online / 1024;
  const perLinkEndKiB = (m.rssEnd - m.rssBefore) / m.online / 1024;
  const met = (ok) => (ok ? 'met' : '**missed**');
  const targets = {
    connect: m.online === CONNECT && m.connectMs < 10_000,
    lag: m.lag.p99 < 25,
    rss: perLinkEndKiB <= 128 && perLinkKiB <= 128,
    search: r.big.search.p95 < 50,
    scroll: r.big.sidebarFps >= 55 && r.big.fleetFps >= 55,
  };
  const f = (x, d = 1) => x.toFixed(d);
  const section = `## Fleet scale

<!-- fleet-bench:start (written by bench/fleet.bench.mjs; edit the script, not this text) -->
Measured ${today()} on ${machineLine([`Chromium ${r.version} headless`])} (load average ${f(m.loadAtStart)} when it started: the machine is shared), by \`node bench/fleet.bench.mjs\` (also run by \`npm run bench\`) with \`--routers ${ROUTERS} --connect ${CONNECT} --sims ${SIMS} --idle ${IDLE_S} --keys ${KEYS}\`.

**Main process.** ${ROUTERS.toLocaleString('en')} saved routers imported from one CSV file (\`connections:import\`, ${f(m.importMs, 0)} ms); ${CONNECT.toLocaleString('en')} of them on ${SIMS} simulators (one separate process, 100 API sessions each), the rest never connected. The services run in their own process with every event serialised as the browser host does, the default timings (heartbeat every 30 s) and trace capture on.

| metric | value | target |
|---|---|---|
| connect all ${CONNECT.toLocaleString('en')} at once (\`link:connect\` ×${CONNECT}, at most ${m.limit} connecting at a time) | ${f(m.connectMs / 1000, 2)} s, ${m.online} online${m.notOnline.length ? ` (not: ${m.notOnline.join('; ')})` : ''}; services CPU ${f(m.connectCpuPercent, 0)} % of a core meanwhile | ≤ 10 s (${met(targets.connect)}) |
| event-loop delay while connecting, p50 / p99 / max | ${f(m.lagConnect.p50)} / ${f(m.lagConnect.p99)} / ${f(m.lagConnect.max)} ms | |
| event-loop delay with ${m.online} idle links, ${f(m.idleElapsed, 0)} s, p50 / p99 / max | ${f(m.lag.p50)} / **${f(m.lag.p99)}** / ${f(m.lag.max)} ms | p99 < 25 ms (${met(targets.lag)}) |
| heartbeats answered meanwhile; events sent | ${m.heartbeats} (${f(m.heartbeats / m.idleElapsed)} /s); ${m.events} events, ${f(m.eventBytes / 1e6, 2)} MB | |
| services CPU while idle; simulators' process CPU over the run | ${f(m.idleCpuPercent)} %; ${f(m.simsCpu)} % of one core | |
| RSS after a full GC: before connecting → ${m.online} links up → after ${f(m.idleElapsed, 0)} s idle | ${f(m.rssBefore / MiB, 0)} → ${f(m.rssAfter / MiB, 0)} → ${f(m.rssEnd / MiB, 0)} MiB | |
| resident memory per idle link (growth ÷ ${m.online}), at once / after the idle time | **${f(perLinkKiB, 0)} KiB** / ${f(perLinkEndKiB, 0)} KiB | ≤ 128 KiB (${met(targets.rss)}) |
| JS heap before → with the links up | ${f(m.heapBefore / MiB, 0)} → ${f(m.heapAfter / MiB, 0)} MiB | |
| links still online at the end; disconnecting all | ${m.stillOnline}; ${f(m.disconnectMs, 0)} ms | |

**Renderer.** The production renderer (bench build, \`app-renderer/bench/churn-source.ts\` as \`window.tikscope\`) with ${ROUTERS.toLocaleString('en')} saved routers, ${CONNECT.toLocaleString('en')} connected, heartbeat link states arriving at ${f(CONNECT / 30, 0)} per second (as ${CONNECT.toLocaleString('en')} links at 30 s send them). Search latency is keydown → next frame (\`requestAnimationFrame\`), ${KEYS} keystrokes typing and deleting "router-1", each answer checked (every row shown matches) before the next key. Scrolling moves the list 120 px a frame for 4 s. Peer: 20 routers (10 connected), same run.

| scenario | ${ROUTERS.toLocaleString('en')} routers | peer: 20 routers | target |
|---|---:|---:|---|
| navigation → ready | ${r.big.readyMs} ms | ${r.small.readyMs} ms | |
| router options in the sidebar's DOM | ${r.big.domOptions} | ${r.small.domOptions} | |
| typing in the router search, p50 / p95 / max | ${f(r.big.search.p50)} / **${f(r.big.search.p95)}** / ${f(r.big.search.max)} ms | ${f(r.small.search.p50)} / ${f(r.small.search.p95)} / ${f(r.small.search.max)} ms | p95 < 50 ms (${met(targets.search)}) |
| scrolling the sidebar: frames per second (frame time p95) | **${f(r.big.sidebarFps)} fps** (${f(r.big.sidebarP95)} ms) | ${f(r.small.sidebarFps)} fps | ≥ 55 fps |
| — per frame meanwhile: main-thread CPU time; renderer process CPU time; wall time of script + style + layout | ${f(r.big.sidebarThread)}; ${f(r.big.sidebarProcess)}; ${f(r.big.sidebarWork)} ms | ${f(r.small.sidebarThread)}; ${f(r.small.sidebarProcess)}; ${f(r.small.sidebarWork)} ms | within a 16.7 ms frame |
| Fleet grid: rows in the DOM; typing in its filter, p95 | ${r.big.gridRows}; ${f(r.big.fleetFilter.p95)} ms | ${r.small.gridRows}; ${f(r.small.fleetFilter.p95)} ms | |
| scrolling the Fleet grid: frames per second (frame time p95) | **${f(r.big.fleetFps)} fps** (${f(r.big.fleetP95)} ms) | ${f(r.small.fleetFps)} fps | ≥ 55 fps (${met(targets.scroll)}) |
| — per frame meanwhile: main-thread CPU time; renderer process CPU time; wall time of script + style + layout | ${f(r.big.fleetThread)}; ${f(r.big.fleetProcess)}; ${f(r.big.fleetWork)} ms | ${f(r.small.fleetThread)}; ${f(r.small.fleetProcess)}; ${f(r.small.fleetWork)} ms | within a 16.7 ms frame |

The peer's lists are barely taller than their viewports, so its scrolling moves little; the 2,000-router rows are the
measurement. Frame rates on a shared machine include the time Chromium (software rendering, \`--disable-gpu\`) waits for a
core: read them with the load average above and the CPU time per frame (which such waiting does not inflate).
<!-- fleet-bench:end -->
`;
  if (WRITE) writeSection(section, { heading: '## Fleet scale', endMarker: '<!-- fleet-bench:end -->' });
  else console.log(section);
  if (Object.values(targets).some((ok) => !ok)) process.exitCode = 1;
}

runMain(main, work);
