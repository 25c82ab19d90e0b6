// Benchmark: one Find step in the Model tab of the real studio, in Chromium, on a large model:
// from pressing Enter on a block's path to that block drawn on the canvas (its ancestors
// opened, the previous match's closed, laid out and rendered by React Flow). DenseNet-121
// (exported with /usr/bin/python3 into /tmp, never committed) when given, else the generated
// 1,208-node ResNet of the e2e suite. Needs the built web UI (`npm run build:web`).
//
//   npx tsx bench/find-step.ts [densenet121.onnx] [--trace]
//
// --trace records a Chromium trace of each step and adds the main thread's CPU time to it
// (trace-cpu.ts): the measure that holds still on a busy machine. Tracing slows the page.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { encodeModel } from '../src-main/core/onnx/codec.js';
import { launchStudio, stopStudio } from '../e2e/support/studio.js';
import { deepResnet } from './deep-resnet.js';
import { flag, median } from './support.js';
import { mainThreadCpuMs } from './trace-cpu.js';
import type { TraceEvent } from './trace-cpu.js';

const given = process.argv.slice(2).find((a) => !a.startsWith('--'));
const trace = flag('trace');
const root = mkdtempSync(join(tmpdir(), 'graft-find-bench-'));
const model = given ?? join(root, 'deep-resnet-1200.onnx');
if (!given) writeFileSync(model, encodeModel(deepResnet(60, true, 2)));
// Blocks spread over the model, each found by its exact path.
const targets = given
  ? [1, 2, 3, 4].flatMap((b) => [1, 3, 6].map((l) => `features/denseblock${b}/denselayer${l}`))
  : ['layer1', 'layer2', 'layer3', 'layer4'].flatMap((s) => [0, 5, 10].map((u) => `${s}/${s}.${u}`));

const { url, child } = await launchStudio([model, '--root', given ? join(given, '..') : root, '--workspace', join(root, 'workspace')]);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const times: Array<{ path: string; ms: number; inPage: number; cpu?: number }> = [];

/**
 * Runs in the page before Enter: the time from the keydown to the end of the first frame that
 * draws the block with the canvas laid out (no Playwright round trips in it). A frame's rAF
 * callbacks run before its style, layout and paint; a task queued from there runs after them.
 * A string, not a function: tsx would wrap the named inner functions in a helper the page lacks.
 * It ends in `undefined`: evaluate would otherwise wait for the promise, and Enter never come.
 */
const armInPageClock = (testId: string) => `
  window.findDrawn = new Promise((resolve) => {
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      const t0 = performance.now();
      const drawn = () => document.querySelector('[data-testid="${testId}"]') && document.querySelector('[data-testid="graph-canvas"][aria-busy="false"]');
      const frame = () => requestAnimationFrame(() => (drawn() ? setTimeout(() => resolve(performance.now() - t0)) : frame()));
      frame();
    }, { capture: true, once: true });
  });
  undefined;`;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // Opening the model is not timed; on a busy machine it can take longer than expect's 5 s.
  await page.goto(url);
  await page.locator('.app[data-started="true"]').waitFor({ timeout: 60_000 });
  const search = page.getByTestId('block-search');
  for (const [i, path] of [targets[0], ...targets].entries()) {
    await search.fill(path);
    await page.evaluate(armInPageClock(`block-${path}`));
    const traceFile = join(root, `step-${i}.json`);
    if (trace) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'toplevel'] });
    const t0 = performance.now();
    await search.press('Enter');
    await page.getByTestId(`block-${path}`).waitFor({ state: 'visible' });
    const elapsed = performance.now() - t0;
    const inPage = await page.evaluate(() => (window as unknown as { findDrawn: Promise<number> }).findDrawn);
    let cpu: number | undefined;
    if (trace) {
      await browser.stopTracing();
      cpu = mainThreadCpuMs((JSON.parse(readFileSync(traceFile, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents, inPage);
    }
    // The first step warms the page (code paths, fonts): not counted.
    if (i > 0) times.push({ path, ms: elapsed, inPage, cpu });
    // Let the previous step's centring animation (250 ms) finish first.
    await page.waitForTimeout(300);
  }
} finally {
  await browser.close();
  await stopStudio(child);
  rmSync(root, { recursive: true, force: true });
}
const ms = times.map((t) => t.ms);
const inPage = times.map((t) => t.inPage);
console.log(`Find, ${times.length} steps on ${given ?? 'the generated 1,208-node ResNet'}: median ${median(ms).toFixed(0)} ms, worst ${Math.max(...ms).toFixed(0)} ms`);
console.log(`  in the page (keydown to the frame that draws it): median ${median(inPage).toFixed(0)} ms, worst ${Math.max(...inPage).toFixed(0)} ms`);
if (trace) {
  const cpu = times.map((t) => t.cpu!);
  console.log(`  main-thread CPU (keydown to drawn): median ${median(cpu).toFixed(0)} ms, worst ${Math.max(...cpu).toFixed(0)} ms`);
}
for (const t of times) console.log(`  ${t.path}: ${t.ms.toFixed(0)} ms (in page ${t.inPage.toFixed(0)}${t.cpu === undefined ? '' : `, CPU ${t.cpu.toFixed(0)}`})`);
const results = join(import.meta.dirname, 'results');
mkdirSync(results, { recursive: true });
writeFileSync(join(results, 'find-step.json'), `${JSON.stringify({ model: given ?? 'deep-resnet(60)', times }, null, 2)}\n`);
