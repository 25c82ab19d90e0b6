/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// A new user's pass over the studio, screenshot by screenshot: the journeys behind issue 15
// (open the bundled CNN, freeze, swap the head, data by path / upload / rename, train, the
// no-validation guard, evaluate, try, export, compare, a second model in its own project,
// DenseNet-121 collapsed and searched, help, dark mode, the header at 1280 px).
//
//   npx tsx scripts/screenshots.ts [outDir]     (default /tmp/graft-shots)
//
// Needs the web build (`npm run build:web`) and Debian's dataset-fashion-mnist; the DenseNet-121
// journey runs when /tmp/dn/densenet121.onnx exists (an export of torchvision's model). Each step
// is saved as NN-name.png; a step that fails is reported and the pass goes on with the next.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import type { Page } from '@playwright/test';
import { idxSubset } from '../e2e/support/flows.js';
import { launchStudio, stopStudio } from '../e2e/support/studio.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(process.argv[2] ?? '/tmp/graft-shots');
const FASHION = '/usr/share/datasets/fashion-mnist';
const DENSENET = '/tmp/dn/densenet121.onnx';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BAGS = join(REPO, 'resources', 'datasets', 'fashion-mnist-5-9', 'test', 'Bag');
const SANDALS = join(REPO, 'resources', 'datasets', 'fashion-mnist-5-9', 'test', 'Sandal');



/** Drops files on an element as a user dragging them from the desktop would. */
async function dropFiles(page: Page, testId: string, files: { name: string; data: Buffer }[]): Promise<void> {
  await page.evaluate(
    ({ testId, files }) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
      const zone = document.querySelector(`[data-testid="${testId}"]`)!;
      for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { testId, files: files.map((f) => ({ name: f.name, b64: f.data.toString('base64') })) },
  );
}

let shotNo = 0;
const failures: string[] = [];
const notes: string[] = [];

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const file = join(OUT, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  console.log(`  ${file}`);
}

/** Runs one step of the journey; a failure is recorded (with a screenshot) and the pass goes on. */
async function step(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  console.log(`- ${name}`);
  try {
    await body();
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    failures.push(`${name}: ${message}`);
    console.log(`  FAILED: ${message}`);
    await shot(page, `${name}-FAILED`).catch(() => undefined);
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const byId = (page: Page, id: string) => page.getByTestId(id);

/** The smallest and the most common on-screen size of the graph's text (font size × zoom), in px. */
async function graphTextSizes(page: Page): Promise<string> {
  return page.evaluate(() => {
    const vp = document.querySelector<HTMLElement>('.react-flow__viewport');
    const zoom = vp ? new DOMMatrix(getComputedStyle(vp).transform).a : 1;
    const sizes: number[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node *')) {
      if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())) continue;
      sizes.push(Math.round(parseFloat(getComputedStyle(el).fontSize) * zoom * 10) / 10);
    }
    if (!sizes.length) return 'none';
    const counts = new Map<number, number>();
    for (const v of sizes) counts.set(v, (counts.get(v) ?? 0) + 1);
    const common = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    return `zoom ${zoom.toFixed(2)}, smallest ${Math.min(...sizes)} px, most common ${common} px`;
  });
}

/** Starts a run and waits for it to finish, sampling what the user sees while it runs and evaluates. */
async function trainAndWait(page: Page, label: string, timeoutMs = 180_000): Promise<void> {
  const runs = await page.getByTestId('run-select').locator('option').count().catch(() => 0);
  await byId(page, 'train-start').click();
  const t0 = Date.now();
  // The new run is the one shown once the run list has grown.
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="run-select"] option').length > n, runs, { timeout: 30_000 });
  const seen = new Set<string>();
  for (;;) {
    const status = (await byId(page, 'run-status').getAttribute('data-status').catch(() => null)) ?? 'none';
    if (status === 'done' || status === 'failed' || status === 'crashed' || status === 'stopped') {
      notes.push(`${label}: ${status} after ${((Date.now() - t0) / 1000).toFixed(1)} s (seen: ${[...seen].join(', ')})`);
      return;
    }
    if (!seen.has(status)) {
      seen.add(status);
      await shot(page, `${label}-${status}`);
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${label}: still ${status} after ${timeoutMs / 1000} s`);
    await page.waitForTimeout(150);
  }
}

async function main(): Promise<void> {
  if (!existsSync(FASHION)) {
    console.error(`needs Debian's dataset-fashion-mnist at ${FASHION}`);
    process.exit(2);
  }
  if (!existsSync(join(REPO, 'out', 'web', 'index.html'))) {
    console.error('build the web UI first: npm run build:web');
    process.exit(2);
  }
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (f.endsWith('.png')) rmSync(join(OUT, f));
  const scratch = mkdtempSync(join(tmpdir(), 'graft-shots-'));
  const roots = ['--root', scratch, '--root', FASHION, ...(existsSync(DENSENET) ? ['--root', dirname(DENSENET)] : [])];
  const { url, child } = await launchStudio(['--workspace', join(scratch, 'workspace'), ...roots]);
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    errors.push(`browser dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.setDefaultTimeout(30_000);
  try {
    await page.goto(url);
    await page.locator('.app[data-started="true"]').waitFor();

    await step(page, 'first-view', async () => {
      await byId(page, 'block-features').waitFor();
      await page.waitForTimeout(500);
      await shot(page, 'first-view');
      notes.push(`first view: graph text ${await graphTextSizes(page)}`);
    });
    await step(page, 'help-sheet', async () => {
      await page.locator('body').click({ position: { x: 3, y: 400 } });
      await page.keyboard.press('?');
      await byId(page, 'help-sheet').waitFor();
      await shot(page, 'help-sheet');
      await page.keyboard.press('Escape');
      await byId(page, 'help-sheet').waitFor({ state: 'detached' });
    });
    await step(page, 'inspector', async () => {
      await byId(page, 'block-features').locator('.block-name').click();
      await byId(page, 'inspector').waitFor();
      await shot(page, 'inspector-block');
    });
    await step(page, 'inspector-conv', async () => {
      // The first view keeps the features chain closed: open it as a user would.
      await page.getByRole('button', { name: 'Expand features', exact: true }).click();
      await byId(page, 'block-features/features.3').click();
      await byId(page, 'weight-stats').first().waitFor({ timeout: 10_000 });
      await shot(page, 'inspector-conv-weights');
    });
    await step(page, 'freeze-presets', async () => {
      await byId(page, 'preset-fe').click();
      await page.waitForTimeout(300);
      await shot(page, 'preset-feature-extraction');
      await byId(page, 'preset-ft').click();
      await page.waitForTimeout(300);
      await shot(page, 'preset-fine-tune');
      // Drag the strip's handle back to the start: everything trains.
      const strip = (await byId(page, 'freeze-strip').boundingBox())!;
      const handle = (await byId(page, 'freeze-handle').boundingBox())!;
      await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await page.mouse.down();
      await page.mouse.move(strip.x + 2, strip.y + strip.height / 2, { steps: 6 });
      await page.mouse.up();
      await page.waitForTimeout(300);
      await shot(page, 'freeze-strip-dragged-to-start');
    });
    await step(page, 'swap-head', async () => {
      await byId(page, 'swap-head').click();
      await byId(page, 'head-dialog').waitFor();
      await shot(page, 'head-dialog');
      await byId(page, 'head-dialog-submit').click();
      await page.waitForTimeout(500);
      await shot(page, 'head-swapped');
    });

    // The Data tab: the bundled data, Debian's IDX files by path, the same files uploaded.
    await step(page, 'data-bundled', async () => {
      await byId(page, 'tab-data').click();
      await byId(page, 'dataset-summary').waitFor();
      await page.waitForTimeout(800);
      await shot(page, 'data-bundled');
    });
    await step(page, 'data-upload-idx', async () => {
      const train = idxSubset('train', 2000);
      const test = idxSubset('t10k', 1000);
      await dropFiles(page, 'drop-zone', [
        { name: 'train-images-idx3-ubyte', data: train.images },
        { name: 'train-labels-idx1-ubyte', data: train.labels },
        { name: 't10k-images-idx3-ubyte', data: test.images },
        { name: 't10k-labels-idx1-ubyte', data: test.labels },
      ]);
      await page.waitForTimeout(300);
      await shot(page, 'data-upload-idx-uploading');
      await page.getByTestId('dataset-summary').filter({ hasText: '10 classes' }).waitFor({ timeout: 90_000 });
      await page.waitForTimeout(800);
      await shot(page, 'data-upload-idx');
    });
    await step(page, 'data-by-path', async () => {
      await byId(page, 'data-path').fill(FASHION);
      await byId(page, 'data-path-open').click();
      await page.waitForTimeout(400);
      await shot(page, 'data-by-path-opening');
      await page.getByTestId('dataset-summary').filter({ hasText: '60,000' }).or(page.getByTestId('dataset-summary').filter({ hasText: '54,000' })).first().waitFor({ timeout: 90_000 });
      await page.waitForTimeout(800);
      await shot(page, 'data-by-path');
      // Back to the uploaded subset for short runs.
      const train = idxSubset('train', 2000);
      const test = idxSubset('t10k', 1000);
      await dropFiles(page, 'drop-zone', [
        { name: 'train-images-idx3-ubyte', data: train.images },
        { name: 'train-labels-idx1-ubyte', data: train.labels },
        { name: 't10k-images-idx3-ubyte', data: test.images },
        { name: 't10k-labels-idx1-ubyte', data: test.labels },
      ]);
      await page.getByTestId('dataset-summary').filter({ hasText: '1,000 test' }).waitFor({ timeout: 90_000 });
    });
    await step(page, 'data-drop-txt', async () => {
      await dropFiles(page, 'drop-zone', [{ name: 'notes.txt', data: Buffer.from('my notes\n') }]);
      await byId(page, 'error-banner').waitFor();
      await shot(page, 'data-drop-txt');
      await byId(page, 'error-banner').getByRole('button', { name: 'Dismiss error' }).click();
    });
    await step(page, 'data-rename-class', async () => {
      await byId(page, 'rename-class-8').click();
      await byId(page, 'class-name-input').fill('Handbag');
      await shot(page, 'data-rename-class-editing');
      await byId(page, 'class-name-input').press('Enter');
      // Transfer to classes 5-9 with 40 images each: a run of seconds.
      for (const c of [0, 1, 2, 3, 4]) await byId(page, `class-${c}`).uncheck();
      await byId(page, 'per-class-limit').fill('40');
      await byId(page, 'per-class-limit').blur();
      await page.getByTestId('dataset-summary').filter({ hasText: '5 classes' }).waitFor();
      await page.waitForTimeout(800);
      await shot(page, 'data-renamed-and-limited');
      await byId(page, 'sample-grid').scrollIntoViewIfNeeded();
      await shot(page, 'data-sample-grid');
    });

    // Train: the head for 5 classes first (the Train tab should say so), then feature extraction.
    await step(page, 'train-before-head', async () => {
      await byId(page, 'tab-train').click();
      await page.waitForTimeout(800);
      await shot(page, 'train-tab-before-head');
    });
    await step(page, 'swap-head-5', async () => {
      await byId(page, 'tab-model').click();
      await byId(page, 'swap-head').click();
      await byId(page, 'head-dialog').waitFor();
      await shot(page, 'head-dialog-for-dataset');
      await byId(page, 'head-dialog-submit').click();
      await page.waitForTimeout(500);
    });
    await step(page, 'train-feature-extraction', async () => {
      await byId(page, 'tab-train').click();
      await byId(page, 'strategy-fe').click();
      await byId(page, 'set-epochs').fill('3');
      await shot(page, 'train-setup-fe');
      await trainAndWait(page, 'train-fe');
      await page.waitForTimeout(800);
      await shot(page, 'train-fe-done');
      await byId(page, 'evaluation').scrollIntoViewIfNeeded();
      await shot(page, 'train-fe-evaluation');
      await byId(page, 'export-box').scrollIntoViewIfNeeded();
      await shot(page, 'train-fe-export');
      const [download] = await Promise.all([page.waitForEvent('download'), byId(page, 'download-export').click()]);
      notes.push(`export downloads as ${download.suggestedFilename()}`);
      await download.cancel();
    });
    await step(page, 'try-panel', async () => {
      await byId(page, 'tab-try').click();
      await page.waitForTimeout(500);
      await shot(page, 'try-empty');
      const bag = readdirSync(BAGS).sort()[0];
      const sandal = readdirSync(SANDALS).sort()[0];
      await dropFiles(page, 'try-drop', [
        { name: `bag-${bag}`, data: readFileSync(join(BAGS, bag)) },
        { name: `sandal-${sandal}`, data: readFileSync(join(SANDALS, sandal)) },
      ]);
      await page.waitForTimeout(400);
      await shot(page, 'try-dropped-waiting');
      await page.getByTestId('try-card').nth(1).getByTestId('try-bars').waitFor({ timeout: 60_000 });
      await shot(page, 'try-dropped-images');
      await byId(page, 'try-samples').click();
      await page.getByTestId('try-verdict').nth(7).waitFor({ timeout: 90_000 });
      await shot(page, 'try-test-samples');
    });
    await step(page, 'train-fine-tune-and-compare', async () => {
      await byId(page, 'tab-train').click();
      await byId(page, 'strategy-ft').click();
      await byId(page, 'set-epochs').fill('2');
      await shot(page, 'train-setup-ft-while-fe-shown');
      await trainAndWait(page, 'train-ft');
      await page.waitForTimeout(800);
      await shot(page, 'train-ft-done');
      await byId(page, 'tab-compare').click();
      await page.waitForTimeout(800);
      await shot(page, 'compare');
    });
    await step(page, 'guard-no-validation', async () => {
      // A pre-split folder (train/ and an empty test/): with a validation share of 0, nothing is held out.
      const data = join(scratch, 'no-test');
      mkdirSync(join(data, 'test'), { recursive: true });
      for (const c of ['Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']) {
        mkdirSync(join(data, 'train', c), { recursive: true });
        const src = join(REPO, 'resources', 'datasets', 'fashion-mnist-5-9', 'test', c);
        for (const f of readdirSync(src).sort().slice(0, 12)) writeFileSync(join(data, 'train', c, f), readFileSync(join(src, f)));
      }
      await byId(page, 'tab-data').click();
      await byId(page, 'data-path').fill(data);
      await byId(page, 'data-path-open').click();
      await page.getByTestId('dataset-summary').filter({ hasText: '60 train' }).or(page.getByTestId('dataset-summary').filter({ hasText: '55 train' })).first().waitFor({ timeout: 60_000 });
      await byId(page, 'val-fraction').fill('0');
      await byId(page, 'val-fraction').blur();
      await page.waitForTimeout(300);
      await shot(page, 'guard-data-no-validation');
      await byId(page, 'tab-train').click();
      await page.waitForTimeout(500);
      await shot(page, 'guard-no-validation-waiting');
      await byId(page, 'train-blocker').waitFor({ timeout: 60_000 });
      await page.waitForTimeout(300);
      await shot(page, 'guard-no-validation');
      await byId(page, 'fix-validation').click();
      await page.waitForTimeout(1500);
      await shot(page, 'guard-fixed');
      await byId(page, 'tab-data').click();
      await byId(page, 'use-default-data').click();
      await page.waitForTimeout(1500);
    });

    // A second model: the bundled RNN, offered a project of its own.
    await step(page, 'second-model-rnn', async () => {
      await byId(page, 'tab-model').click();
      await byId(page, 'model-select').selectOption({ label: 'adding-rnn (bundled)' });
      await byId(page, 'model-project-dialog').waitFor();
      await shot(page, 'rnn-new-project-dialog');
      await byId(page, 'model-project-dialog-submit').click();
      await page.getByTestId('model-summary').filter({ hasText: 'adding-rnn' }).waitFor();
      await page.waitForTimeout(800);
      await shot(page, 'rnn-model');
      await byId(page, 'tab-data').click();
      await page.waitForTimeout(800);
      await shot(page, 'rnn-data');
      await byId(page, 'tab-train').click();
      await page.waitForTimeout(500);
      await shot(page, 'rnn-train');
      await byId(page, 'train-start').scrollIntoViewIfNeeded();
      await shot(page, 'rnn-train-start-button');
      await byId(page, 'tab-compare').click();
      await shot(page, 'rnn-compare-empty');
      await byId(page, 'tab-data').click();
      await byId(page, 'use-adding').click();
      await page.getByTestId('dataset-summary').filter({ hasText: 'train' }).waitFor();
      await byId(page, 'tab-train').click();
      await byId(page, 'preset-adding').click();
      await byId(page, 'set-epochs').fill('1');
      await page.waitForTimeout(300);
      await shot(page, 'rnn-train-adding-ready');
      await trainAndWait(page, 'rnn-train', 300_000);
      await page.waitForTimeout(800);
      await shot(page, 'rnn-train-done');
      await byId(page, 'run-view').evaluate((e) => e.scrollIntoView({ block: 'end' }));
      await shot(page, 'rnn-train-done-bottom');
      await byId(page, 'tab-try').click();
      await page.waitForTimeout(800);
      await shot(page, 'rnn-try');
      await byId(page, 'tab-compare').click();
      await page.waitForTimeout(800);
      await shot(page, 'rnn-compare');
      await byId(page, 'tab-train').click();
      await byId(page, 'run-rename').click();
      await shot(page, 'run-rename-dialog');
      await page.keyboard.press('Escape');
      await byId(page, 'project-select').selectOption('untitled');
      await page.getByTestId('model-summary').filter({ hasText: 'fashion-cnn' }).waitFor();
      await page.waitForTimeout(800);
      await shot(page, 'back-to-cnn-project-train');
      await byId(page, 'tab-compare').click();
      await page.waitForTimeout(500);
      await shot(page, 'back-to-cnn-project-compare');
    });

    if (existsSync(DENSENET)) {
      await step(page, 'densenet', async () => {
        await byId(page, 'tab-model').click();
        await byId(page, 'open-path-input').fill(DENSENET);
        await byId(page, 'open-path-button').click();
        await byId(page, 'model-project-dialog').waitFor();
        await byId(page, 'model-project-dialog-submit').click();
        await page.getByTestId('model-summary').filter({ hasText: 'densenet121' }).waitFor({ timeout: 120_000 });
        await page.waitForTimeout(1500);
        await shot(page, 'densenet-first-view');
        await byId(page, 'collapse-all').click();
        await page.waitForTimeout(1200);
        await shot(page, 'densenet-collapsed');
        notes.push(`DenseNet-121 collapsed: graph text ${await graphTextSizes(page)}`);
        await byId(page, 'expand-all').click();
        await page.waitForTimeout(1500);
        await shot(page, 'densenet-expanded');
        await byId(page, 'collapse-all').click();
        await byId(page, 'block-search').fill('denselayer12');
        const t0 = Date.now();
        await byId(page, 'block-search').press('Enter');
        await page.waitForTimeout(100);
        notes.push(`Find denselayer12: ${Date.now() - t0} ms to the next frame (upper bound)`);
        await page.waitForTimeout(1200);
        await shot(page, 'densenet-find-denselayer');
        await byId(page, 'preset-ft').click();
        await page.waitForTimeout(600);
        await shot(page, 'densenet-preset-fine-tune');
        await byId(page, 'project-select').selectOption('untitled');
        await page.getByTestId('model-summary').filter({ hasText: 'fashion-cnn' }).waitFor();
        await page.waitForTimeout(1200);
        await shot(page, 'back-from-densenet-model');
      });
    } else {
      console.log(`- densenet: skipped (${DENSENET} not found)`);
    }

    await step(page, 'dark-mode', async () => {
      await page.emulateMedia({ colorScheme: 'dark' });
      await byId(page, 'tab-model').click();
      await page.waitForTimeout(600);
      await shot(page, 'dark-model');
      await byId(page, 'project-select').selectOption('untitled');
      await page.getByTestId('model-summary').filter({ hasText: 'fashion-cnn' }).waitFor();
      await byId(page, 'tab-train').click();
      await page.waitForTimeout(800);
      await shot(page, 'dark-train');
      await byId(page, 'tab-data').click();
      await page.waitForTimeout(800);
      await shot(page, 'dark-data');
      await page.emulateMedia({ colorScheme: 'light' });
    });

    await step(page, 'header-1280', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      for (const tab of ['model', 'data', 'train', 'try', 'compare']) {
        await byId(page, `tab-${tab}`).click();
        await page.waitForTimeout(600);
        // Wheel over the tab (on the graph the wheel zooms, so not there): the page must not scroll.
        const panel = (await page.locator(tab === 'model' ? '.inspector, [data-testid="inspector"]' : '.tab-panel').first().boundingBox())!;
        await page.mouse.move(panel.x + panel.width / 2, panel.y + panel.height / 2);
        await page.mouse.wheel(0, 2000);
        await page.waitForTimeout(300);
        const top = await page.evaluate(() => ({ scrollY: window.scrollY, top: document.querySelector('.topbar')!.getBoundingClientRect().top }));
        if (top.scrollY !== 0 || top.top !== 0) notes.push(`1280x800 ${tab}: page scrolled (${JSON.stringify(top)})`);
        await shot(page, `1280-${tab}`);
      }
    });
  } finally {
    await browser.close();
    await stopStudio(child);
    rmSync(scratch, { recursive: true, force: true });
  }
  const report = [...notes.map((n) => `note: ${n}`), ...failures.map((f) => `FAILED ${f}`), ...errors.map((e) => `page error: ${e}`)];
  writeFileSync(join(OUT, 'report.txt'), report.join('\n') + '\n');
  console.log(report.join('\n'));
  console.log(`${shotNo} screenshots in ${OUT}`);
  process.exitCode = failures.length ? 1 : 0;
}

await main();
