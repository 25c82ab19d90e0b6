// The studio's frame at the sizes people use (1440x900, 1280x800): the header stays put while a
// tab's content scrolls, does not reflow when "saving…" appears, and keeps a long model name
// readable (ellipsis in the middle, the full text in a title). Screenshots go to e2e/artifacts.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FASHION, shot, trainShortRun } from './support/flows.js';
import { expect, launchStudio, openStudio, stopStudio, test } from './support/studio.js';

test.describe.configure({ timeout: 180_000 });
test.skip(!existsSync(FASHION), 'needs Debian dataset-fashion-mnist');

const LONG_NAME = 'fashion-cnn-transfer-from-imagenet-pretrained-backbone-final-v2.onnx';

/** The page itself never scrolls: the header's top stays at 0 after wheeling over the tab. */
async function expectFixedHeader(page: Page): Promise<void> {
  const panel = (await page.locator('.tab-panel').boundingBox())!;
  await page.mouse.move(panel.x + panel.width / 2, panel.y + panel.height / 2);
  await page.mouse.wheel(0, 3000);
  await page.waitForTimeout(200);
  const m = await page.evaluate(() => ({ y: window.scrollY, scroll: document.documentElement.scrollHeight, view: window.innerHeight, top: document.querySelector('.topbar')!.getBoundingClientRect().top }));
  expect(m.y).toBe(0);
  expect(m.top).toBe(0);
  expect(m.scroll).toBeLessThanOrEqual(m.view);
}

test('the header stays fixed, does not reflow on save, and keeps a long model name readable', async ({ page }) => {
  const workspace = mkdtempSync(join(tmpdir(), 'graft-e2e-ws-'));
  const models = mkdtempSync(join(tmpdir(), 'graft-e2e-models-'));
  const longModel = join(models, LONG_NAME);
  copyFileSync(join('resources', 'models', 'fashion-cnn.onnx'), longModel);
  const { url, child } = await launchStudio(['--workspace', workspace, '--root', models]);
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openStudio(page, url);
    await page.getByTestId('open-path-input').fill(longModel);
    await page.getByTestId('open-path-button').click();
    await expect(page.getByTestId('model-summary')).toContainText('13 nodes');
    await expect(page.getByTestId('model-name')).toHaveAttribute('title', longModel);

    // A short run, so the Train tab is longer than the window.
    await trainShortRun(page);

    for (const [width, height] of [[1440, 900], [1280, 800]] as const) {
      await page.setViewportSize({ width, height });
      for (const tab of ['model', 'data', 'train', 'compare']) {
        await page.getByTestId(`tab-${tab}`).click();
        await expectFixedHeader(page);
      }
      await page.getByTestId('tab-train').click();
      await shot(page, `layout-train-${width}x${height}`);
      await page.getByTestId('tab-model').click();
      await shot(page, `layout-model-${width}x${height}`);
      // The model's name keeps its start and its end, and room to read them.
      const name = page.getByTestId('model-name');
      expect((await name.boundingBox())!.width).toBeGreaterThan(120);
    }

    // "saving…" appears without moving anything in the header.
    const before = (await page.getByTestId('project-select').boundingBox())!;
    await page.getByTestId('tab-train').click();
    await page.getByTestId('set-epochs').fill('2');
    await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', /pending|saving/);
    const during = (await page.getByTestId('project-select').boundingBox())!;
    await shot(page, 'layout-saving-1280x800');
    expect(during).toEqual(before);
    await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'idle');
    expect((await page.getByTestId('project-select').boundingBox())!).toEqual(before);
  } finally {
    await stopStudio(child);
    rmSync(workspace, { recursive: true, force: true });
    rmSync(models, { recursive: true, force: true });
  }
});
