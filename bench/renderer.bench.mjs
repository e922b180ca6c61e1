#!/usr/bin/env node
// Renderer benchmark (issue 5): the real renderer in Chromium (playwright-core, /usr/bin/chromium)
// with the benchmark's churn source injected as window.tikscope (the bench build, bench.html;
// app-renderer/bench/churn-source.ts: rows from the simulator's generator, its seeded Rng), so the
// numbers are the renderer's own — the source (churn, 100 ms patches) runs in the same page and its
// cost is included, which makes them pessimistic.
//
//   node bench/renderer.bench.mjs [--duration S (10)] [--rows N (10000)] [--rate N (2000)]
//                                 [--lines N (100000)] [--reps N (5)] [--graphs N (25)] [--no-write]
//
// Scenarios, each compared with a peer measured in the same run:
//   1. first render: navigation → data-app-state="ready", and first contentful paint (median of reps)
//   2. live table: N rows receiving R row updates per second for S seconds — frames per second by
//      requestAnimationFrame, frame-time p95/max, and the JS heap after a forced GC at start and
//      end plus its slope (flat = no growth); peer: the same table with no updates
//   2b. graphs beside the live table (issue 14): G graphs of two series each (a row's derived
//      rates), sampled at 1 Hz, while the same table gets the same updates — frames per second;
//      peer: scenario 2's table without graphs
//   3. console holding L reply lines: time to receive them, input latency of the Sentence box
//      (keydown → next frame, p50/p95) with the lines held; peer: the same with an empty console
// Results go to stdout and to the "Renderer" section of docs/benchmarks.md.
// Functions passed to page.evaluate run in the browser, hence the browser globals.
/* global window, document, performance, requestAnimationFrame, MutationObserver, PerformanceObserver */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { machine as machineLine, numberOption as arg, root, runMain, shouldWrite, today, writeSection } from './lib.mjs';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';
import { buildBenchRenderer, serveStatic } from './renderer-lib.mjs';

const DURATION_S = arg('duration', 10);
const ROWS = arg('rows', 10_000);
const RATE = arg('rate', 2000);
const LINES = arg('lines', 100_000);
const REPS = arg('reps', 5);
const GRAPHS = arg('graphs', 25);
const WRITE = shouldWrite();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2 : NaN;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

/** Runs in the page: frames per second over `ms`, from requestAnimationFrame timestamps. */
function measureFrames(ms) {
  return new Promise((resolve) => {
    const times = [];
    const start = performance.now();
    const tick = (t) => {
      times.push(t);
      if (t - start < ms) requestAnimationFrame(tick);
      else {
        const gaps = times.slice(1).map((x, i) => x - times[i]);
        resolve({ frames: times.length - 1, seconds: (times[times.length - 1] - times[0]) / 1000, gaps });
      }
    };
    requestAnimationFrame(tick);
  });
}

async function newPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') window.__fcp = e.startTime;
    }).observe({ type: 'paint', buffered: true });
    // Records when the root first reports ready, without polling from outside.
    new MutationObserver((_, obs) => {
      if (document.querySelector('[data-app-state="ready"]')) {
        window.__readyAt = performance.now();
        obs.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-app-state'] });
  });
  await page.goto(url);
  await page.locator('[data-app-state="ready"]').waitFor();
  const cdp = await context.newCDPSession(page);
  return { context, page, cdp, errors };
}

async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

async function connectDemo(page) {
  await page.getByRole('option', { name: 'Demo router', exact: true }).click();
  await page.getByRole('toolbar', { name: 'Router actions' }).getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('region', { name: 'Demo router', exact: true }).waitFor();
}

async function firstRender(browser, url) {
  const ready = [];
  const fcp = [];
  for (let i = 0; i < REPS; i++) {
    const { context, page } = await newPage(browser, url);
    await page.waitForFunction(() => window.__fcp !== undefined);
    const r = await page.evaluate(() => ({ ready: window.__readyAt, fcp: window.__fcp }));
    ready.push(r.ready);
    fcp.push(r.fcp);
    await context.close();
  }
  return { ready: median(ready), fcp: median(fcp), readyMin: Math.min(...ready), readyMax: Math.max(...ready) };
}

async function liveTable(browser, url) {
  const { context, page, cdp, errors } = await newPage(browser, url);
  await page.evaluate((n) => window.tikscopeBench.seed('/bench/rows', n), ROWS);
  await connectDemo(page);
  const ws = page.getByRole('region', { name: 'Demo router', exact: true });
  await ws.getByRole('tab', { name: 'Tables', exact: true }).click();
  await ws.getByRole('textbox', { name: 'Path', exact: true }).fill('/bench/rows');
  await ws.getByRole('button', { name: 'Start', exact: true }).click();
  await ws
    .locator('.row-count')
    .getByText(`${ROWS.toLocaleString('en-US')} rows`, { exact: true })
    .waitFor({ timeout: 60_000 });

  // Peer: the same table, no updates.
  const idle = await page.evaluate(measureFrames, Math.min(5000, DURATION_S * 1000));

  const heapStart = await heapAfterGc(cdp);
  await page.evaluate((rate) => {
    window.__stopChurn = window.tikscopeBench.churn('/bench/rows', rate);
  }, RATE);
  // The run is measured in segments; between two segments the heap is sampled after a forced GC,
  // so the slope is about what is retained, not about the young generation's sawtooth.
  const segments = Math.max(2, Math.round(DURATION_S / 5));
  const samples = [[0, heapStart]];
  const t0 = Date.now();
  let frames = 0;
  let seconds = 0;
  const gaps = [];
  let shownUps = '';
  for (let i = 0; i < segments; i++) {
    const seg = await page.evaluate(measureFrames, (DURATION_S * 1000) / segments);
    frames += seg.frames;
    seconds += seg.seconds;
    gaps.push(...seg.gaps);
    if (i === segments - 1) shownUps = await ws.locator('.ups').textContent();
    samples.push([(Date.now() - t0) / 1000, await heapAfterGc(cdp)]);
  }
  await page.evaluate(() => window.__stopChurn());
  const heapEnd = samples[samples.length - 1][1];
  // Flatness is judged from the first in-run sample: the first seconds fill the flash marks,
  // patch buffers and JIT caches once (the pre-churn figure is reported too).
  const heapWarm = samples[1][1];
  samples.shift();
  const loaded = { frames, seconds, gaps };
  // Least-squares slope of the GC'd heap samples, MB per minute.
  const n = samples.length;
  const mx = samples.reduce((a, [x]) => a + x, 0) / n;
  const my = samples.reduce((a, [, y]) => a + y, 0) / n;
  const slope =
    samples.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) /
    Math.max(
      1e-9,
      samples.reduce((a, [x]) => a + (x - mx) ** 2, 0),
    );
  const rowsShown = await ws.locator('.row-count').textContent();
  await context.close();
  return {
    idleFps: idle.frames / idle.seconds,
    fps: loaded.frames / loaded.seconds,
    p95: pct(loaded.gaps, 0.95),
    max: Math.max(...loaded.gaps),
    longFrames: loaded.gaps.filter((g) => g > 50).length,
    heapBeforeMb: heapStart / 1e6,
    heapStartMb: heapWarm / 1e6,
    heapEndMb: heapEnd / 1e6,
    slopeMbPerMin: (slope * 60) / 1e6,
    samples: samples.map(([t, h]) => `${t.toFixed(0)}s:${(h / 1e6).toFixed(1)}`).join(' '),
    shownUps,
    rowsShown,
    errors,
  };
}

/**
 * Scenario 2b: GRAPHS rows graphed (each row's derived `orig rate` and `orig packet rate`: two
 * series a graph, 50 for 25 graphs), then the same churn as scenario 2 while frames are counted.
 */
async function graphsBesideTable(browser, url) {
  const { context, page, errors } = await newPage(browser, url);
  await page.evaluate((n) => window.tikscopeBench.seed('/bench/rows', n), ROWS);
  await connectDemo(page);
  const ws = page.getByRole('region', { name: 'Demo router', exact: true });
  await ws.getByRole('tab', { name: 'Tables', exact: true }).click();
  await ws.getByRole('textbox', { name: 'Path', exact: true }).fill('/bench/rows');
  await ws.getByRole('button', { name: 'Start', exact: true }).click();
  await ws
    .locator('.row-count')
    .getByText(`${ROWS.toLocaleString('en-US')} rows`, { exact: true })
    .waitFor({ timeout: 60_000 });
  const graph = ws.getByRole('button', { name: 'Graph', exact: true });
  for (let k = 0; k < GRAPHS; k++) {
    // The grid is virtualised: bring row k into the window, then click it and Graph.
    await page.evaluate((top) => {
      document.querySelector('.grid-scroll').scrollTop = top;
    }, k * 22);
    await ws.locator(`.grid-body [role=row][aria-rowindex="${k + 2}"]`).click();
    await graph.click();
    await ws.getByRole('region', { name: 'Graphs', exact: true }).getByRole('img').nth(k).waitFor();
  }
  const charts = await ws.getByRole('region', { name: 'Graphs', exact: true }).getByRole('img').count();
  const series = await page.evaluate(() =>
    [...document.querySelectorAll('.graphs [role=img]')].reduce(
      (n, el) => n + (el.getAttribute('aria-label')?.split(': ')[1]?.split(', ').length ?? 0),
      0,
    ),
  );
  await page.evaluate((rate) => {
    window.__stopChurn = window.tikscopeBench.churn('/bench/rows', rate);
  }, RATE);
  const run = await page.evaluate(measureFrames, DURATION_S * 1000);
  // The charts were fed: the first one's data table has a sample per second of the run.
  await ws.getByRole('button', { name: 'Show data', exact: true }).first().click();
  const samples = await ws
    .getByRole('table', { name: /^Data of / })
    .first()
    .getByRole('row')
    .count();
  await page.evaluate(() => window.__stopChurn());
  await context.close();
  return {
    charts,
    series,
    samples: samples - 1,
    fps: run.frames / run.seconds,
    p95: pct(run.gaps, 0.95),
    max: Math.max(...run.gaps),
    longFrames: run.gaps.filter((g) => g > 50).length,
    errors,
  };
}

/** Runs in the page: keydown → next frame latency for the Sentence box. */
function installLatencyProbe() {
  window.__lat = [];
  const box = document.querySelector('textarea.sentence');
  box.addEventListener('keydown', (e) => {
    const t = e.timeStamp;
    requestAnimationFrame(() => window.__lat.push(performance.now() - t));
  });
}

async function typeLatency(page, box, count) {
  await page.evaluate(installLatencyProbe);
  await box.click();
  for (let i = 0; i < count; i++) await box.press(i % 10 === 9 ? 'Backspace' : 'x');
  await page.waitForFunction((n) => window.__lat.length >= n, count);
  const lat = await page.evaluate(() => window.__lat);
  await box.fill('');
  return { p50: median(lat), p95: pct(lat, 0.95), max: Math.max(...lat) };
}

async function consoleLines(browser, url) {
  const { context, page, cdp, errors } = await newPage(browser, url);
  await page.evaluate((n) => window.tikscopeBench.seed('/bench/log', n), LINES);
  await connectDemo(page);
  const ws = page.getByRole('region', { name: 'Demo router', exact: true });
  const box = ws.getByRole('textbox', { name: 'Sentence', exact: true });
  await typeLatency(page, box, 10); // warm-up: first keystrokes compile and lay out
  const empty = await typeLatency(page, box, 60);
  const heapBefore = await heapAfterGc(cdp);

  await box.fill('/bench/log/print');
  const started = await page.evaluate(() => performance.now());
  const framesWhileLoading = page.evaluate(measureFrames, 1500);
  await box.press('Control+Enter');
  const card = ws.getByRole('article', { name: /^\/bench\/log\/print — done/ });
  await card.waitFor({ timeout: 120_000 });
  const receiveMs = (await page.evaluate(() => performance.now())) - started;
  const loading = await framesWhileLoading;
  const rows = await card.locator('.cmd-rows').textContent();
  const heapAfter = await heapAfterGc(cdp);
  const full = await typeLatency(page, box, 60);
  // Wheel-like scrolling (200 px per frame, 120 frames from the middle) through the 100k-line list;
  // peer: the same through a 2,000-line list in the same console.
  await page.evaluate(() => window.tikscopeBench.seed('/bench/small', 2000));
  await box.fill('/bench/small/print');
  await box.press('Control+Enter');
  await ws.getByRole('article', { name: /^\/bench\/small\/print — done/ }).waitFor({ timeout: 60_000 });
  const scrollAt = (index) =>
    page.evaluate(async (i) => {
      const el = document.querySelectorAll('.reply-scroll')[i];
      el.scrollIntoView();
      el.scrollTop = el.scrollHeight / 2;
      await new Promise((r) => requestAnimationFrame(r));
      const times = [];
      for (let k = 0; k <= 120; k++) {
        el.scrollTop += 200;
        times.push(await new Promise((r) => requestAnimationFrame(r)));
      }
      const gaps = times.slice(1).map((x, j) => x - times[j]);
      gaps.sort((a, b) => a - b);
      return { p50: gaps[Math.floor(0.5 * gaps.length)], p95: gaps[Math.floor(0.95 * gaps.length)] };
    }, index);
  const scroll = await scrollAt(0);
  const scrollPeer = await scrollAt(1);
  const domLines = await page.evaluate(() => document.querySelectorAll('.reply-line').length);
  await context.close();
  return {
    empty,
    full,
    receiveMs,
    rows,
    loadingFps: loading.frames / loading.seconds,
    heapDeltaMb: (heapAfter - heapBefore) / 1e6,
    scroll,
    scrollPeer,
    domLines,
    errors,
  };
}

async function main() {
  const load = loadavg()[0];
  console.log('building the bench renderer (churn source)…');
  const dir = await buildBenchRenderer(root);
  const server = await serveStatic(dir);
  const browser = await chromium.launch(chromiumLaunchOptions(['--enable-precise-memory-info']));
  const version = browser.version();
  try {
    const url = `${server.url}bench.html`;
    console.log('first render…');
    // Peer: a static page with the same server, CSP and readiness attribute — the browser's floor.
    writeFileSync(
      join(dir, 'peer.html'),
      '<!doctype html><html><head><meta charset="utf-8"><title>peer</title></head><body><div data-app-state="ready">Tikscope</div></body></html>',
    );
    const peer = await firstRender(browser, `${server.url}peer.html`);
    const fr = await firstRender(browser, url);
    console.log(
      `  ready ${fr.ready.toFixed(0)} ms (median of ${REPS}), FCP ${fr.fcp.toFixed(0)} ms; static peer ${peer.ready.toFixed(0)} ms`,
    );
    console.log(`live table: ${ROWS} rows, ${RATE} updates/s, ${DURATION_S} s…`);
    const lt = await liveTable(browser, url);
    console.log(`  heap samples (GC): ${lt.samples}`);
    console.log(
      `  ${lt.fps.toFixed(1)} fps (idle peer ${lt.idleFps.toFixed(1)}), p95 frame ${lt.p95.toFixed(1)} ms, heap ${lt.heapStartMb.toFixed(1)} → ${lt.heapEndMb.toFixed(1)} MB, slope ${lt.slopeMbPerMin.toFixed(2)} MB/min, shown "${lt.shownUps}"`,
    );
    console.log(`graphs: ${GRAPHS} graphs beside the live table, ${DURATION_S} s…`);
    const gr = await graphsBesideTable(browser, url);
    console.log(
      `  ${gr.charts} charts, ${gr.series} series: ${gr.fps.toFixed(1)} fps (table alone ${lt.fps.toFixed(1)}), p95 frame ${gr.p95.toFixed(1)} ms, ${gr.samples} samples in the first chart`,
    );
    console.log(`console: ${LINES} reply lines…`);
    const cl = await consoleLines(browser, url);
    console.log(
      `  received in ${cl.receiveMs.toFixed(0)} ms (${cl.rows}), input p95 ${cl.full.p95.toFixed(1)} ms (empty console ${cl.empty.p95.toFixed(1)} ms), ${cl.domLines} line elements in the DOM, scroll p95 ${cl.scroll.p95.toFixed(1)} ms (2k-line peer ${cl.scrollPeer.p95.toFixed(1)} ms)`,
    );
    const errors = [...lt.errors, ...gr.errors, ...cl.errors];
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);

    const machine = `${machineLine([`Chromium ${version} headless`])} (load average ${load.toFixed(1)} when it started: the machine is shared)`;
    const date = today();
    const fpsOk = lt.fps >= 55;
    const graphsOk = gr.fps >= 55;
    // Flat: no more than 2 MB of growth per minute of retained heap, and end within 5 MB of the warm start.
    const heapFlat = lt.slopeMbPerMin < 2 && lt.heapEndMb - lt.heapStartMb < 5;
    const section = `## Renderer

<!-- renderer-bench:start (written by bench/renderer.bench.mjs; edit the script, not this text) -->
Measured ${date} on ${machine}, by \`node bench/renderer.bench.mjs\` (also run by \`npm run bench\`) with
\`--duration ${DURATION_S} --rows ${ROWS} --rate ${RATE} --lines ${LINES} --reps ${REPS}\`.

The production renderer is built with a bench-only entry (\`app-renderer/bench.html\`) that injects the benchmark's
churn source (\`app-renderer/bench/churn-source.ts\`: six-column rows from the simulator's connection-tracking generator
and its seeded Rng) as \`window.tikscope\`, where Electron's preload puts the real bridge; pages are served with the app's
CSP. The source (row churn, 100 ms patches, the \`/print\` producer) runs in the same page, so its cost is counted
against the renderer. Frame rates come from \`requestAnimationFrame\` timestamps; heap figures from Chromium's
\`Runtime.getHeapUsage\` after a forced GC (\`HeapProfiler.collectGarbage\`). Each scenario has a peer measured in
the same run.

| scenario | result | peer (same run) | ratio |
|---|---:|---:|---:|
| first render: navigation → \`data-app-state="ready"\` (median of ${REPS}; first contentful paint ${fr.fcp.toFixed(0)} ms) | ${fr.ready.toFixed(0)} ms (${fr.readyMin.toFixed(0)}–${fr.readyMax.toFixed(0)}) | static page, same server and attribute: ${peer.ready.toFixed(0)} ms | ${(fr.ready / peer.ready).toFixed(1)} |
| live table, ${ROWS.toLocaleString('en')} rows, ${RATE.toLocaleString('en')} row updates/s for ${DURATION_S} s: frames per second | **${lt.fps.toFixed(1)} fps** (target ≥ 55) | same table, no updates: ${lt.idleFps.toFixed(1)} fps | ${(lt.fps / lt.idleFps).toFixed(2)} |
| — frame time p95 / max, frames over 50 ms | ${lt.p95.toFixed(1)} / ${lt.max.toFixed(0)} ms, ${lt.longFrames} | | |
| — JS heap after GC: first in-run sample → end; slope of the ${Math.max(2, Math.round(DURATION_S / 5))} GC'd samples taken during the run | ${lt.heapStartMb.toFixed(1)} → ${lt.heapEndMb.toFixed(1)} MB; ${lt.slopeMbPerMin.toFixed(2)} MB/min | before the updates started: ${lt.heapBeforeMb.toFixed(1)} MB | ${(lt.heapEndMb / lt.heapStartMb).toFixed(2)} |
| — GC'd heap samples (s: MB) | ${lt.samples} | | |
| — what the table showed at the end | ${lt.rowsShown}, ${lt.shownUps} | | |
| graphs beside the live table: ${gr.charts} graphs, ${gr.series} series sampled at 1 Hz (uPlot), the same table and updates for ${DURATION_S} s: frames per second | **${gr.fps.toFixed(1)} fps** (target ≥ 55) | the table without graphs (above): ${lt.fps.toFixed(1)} fps | ${(gr.fps / lt.fps).toFixed(2)} |
| — frame time p95 / max, frames over 50 ms; samples in the first chart at the end | ${gr.p95.toFixed(1)} / ${gr.max.toFixed(0)} ms, ${gr.longFrames}; ${gr.samples} | | |
| console: receive ${LINES.toLocaleString('en')} reply lines (one \`/print\`) | ${cl.receiveMs.toFixed(0)} ms (${cl.rows}), ${cl.loadingFps.toFixed(0)} fps meanwhile | | |
| console: Sentence input latency (keydown → next frame), p50 / p95 | ${cl.full.p50.toFixed(1)} / ${cl.full.p95.toFixed(1)} ms with ${LINES.toLocaleString('en')} lines held | empty console: ${cl.empty.p50.toFixed(1)} / ${cl.empty.p95.toFixed(1)} ms | ${(cl.full.p95 / cl.empty.p95).toFixed(2)} (p95) |
| console: heap held by the ${LINES.toLocaleString('en')} lines; reply line elements in the DOM | ${cl.heapDeltaMb.toFixed(1)} MB; ${cl.domLines} | | |
| console: wheel-like scrolling (200 px per frame) through the lines, frame time p50 / p95 | ${cl.scroll.p50.toFixed(1)} / ${cl.scroll.p95.toFixed(1)} ms | 2,000-line list: ${cl.scrollPeer.p50.toFixed(1)} / ${cl.scrollPeer.p95.toFixed(1)} ms | ${(cl.scroll.p95 / cl.scrollPeer.p95).toFixed(2)} (p95) |

- Graphs target (≥ 55 fps with ${gr.series} series beside the table): **${graphsOk ? 'met' : 'missed'}**.
- Live table target (≥ 55 fps): **${fpsOk ? 'met' : 'missed'}**; heap **${heapFlat ? 'flat' : 'not flat'}** over the run (retained-heap slope under 2 MB/min and end within 5 MB of the warm start).
- The duration is an argument (\`--duration 60\` for the one-minute run of the issue); this run used ${DURATION_S} s.
<!-- renderer-bench:end -->
`;
    if (WRITE) writeSection(section, { heading: '## Renderer', endMarker: '<!-- renderer-bench:end -->' });
    if (!fpsOk || !graphsOk || !heapFlat) process.exitCode = 1;
  } finally {
    await browser.close();
    await server.close();
  }
}

runMain(main);
