// A 1,200-node model stays usable: expand all draws every operator, collapse all brings the
// canvas back to the top-level blocks alone, and Find steps through nested matches. The model
// is generated (bench/deep-resnet.ts: 60 residual units in 4 stages, PyTorch-style scoped
// names, narrow channels so the file stays small), so the test needs no download.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepResnet } from '../bench/deep-resnet.js';
import { encodeModel } from '../src-main/core/onnx/codec.js';
import { shot } from './support/flows.js';
import { expect, launchStudio, openStudio, stopStudio, test } from './support/studio.js';

test.describe.configure({ timeout: 180_000 });

const TOP_LEVEL = ['conv1', 'relu', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc'];

test('collapse all on a 1,200-node model shows only the top-level blocks', async ({ page }) => {
  const root = mkdtempSync(join(tmpdir(), 'graft-e2e-large-'));
  const model = join(root, 'deep-resnet-1200.onnx');
  writeFileSync(model, encodeModel(deepResnet(60, true, 2)));
  const { url, child } = await launchStudio([model, '--root', root, '--workspace', join(root, 'workspace')]);
  try {
    await openStudio(page, url);
    await expect(page.getByTestId('model-summary')).toContainText('1,208 nodes');
    const canvas = page.getByTestId('graph-canvas');
    const drawn = page.locator('.react-flow__node');

    await page.getByTestId('expand-all').click();
    await expect(canvas).toHaveAttribute('aria-busy', 'false');
    await expect(page.locator('.react-flow__node-op').first()).toBeVisible();
    expect(await drawn.count()).toBeGreaterThan(TOP_LEVEL.length + 1);

    await page.getByTestId('collapse-all').click();
    await expect(canvas).toHaveAttribute('aria-busy', 'false');
    // Top-level blocks and the root's own Flatten, nothing nested, and all in view.
    await expect(drawn).toHaveCount(TOP_LEVEL.length + 1);
    for (const name of TOP_LEVEL) await expect(page.getByTestId(`block-${name}`)).toBeInViewport();
    await expect(page.locator('[data-testid^="block-layer1/"]')).toHaveCount(0);
    await shot(page, 'large-graph-collapsed');

    // Find opens only the path to each match in turn.
    await page.getByTestId('block-search').fill('layer3.41');
    await page.getByTestId('block-search').press('Enter');
    await expect(page.getByTestId('block-layer3/layer3.41')).toBeVisible();
    await expect(page.locator('[data-testid^="block-layer2/"]')).toHaveCount(0);
  } finally {
    await stopStudio(child);
    rmSync(root, { recursive: true, force: true });
  }
});
