// The walking skeleton end to end: `graft serve` + the web UI + the real engine on ResNet-18.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ARTIFACTS, RESNET18 } from './support/paths.js';
import { expect, test } from './support/studio.js';

test.use({ viewport: { width: 1440, height: 1000 } });

test('opens ResNet-18 as a block graph, expands a stage and inspects the head', async ({ page, studioPage: _ }) => {
  await page.getByTestId('open-path-input').fill(RESNET18);
  await page.getByTestId('open-path-button').click();

  for (const name of ['layer1', 'layer2', 'layer3', 'layer4', 'fc']) {
    const block = page.getByTestId(`block-${name}`);
    await expect(block, `block ${name}`).toBeVisible();
    await expect(block.locator('.block-name')).toHaveText(name);
  }
  await expect(page.getByTestId('model-summary')).toContainText('model.onnx');
  await expect(page.getByTestId('model-summary')).toContainText(/11\.2M params/);

  // fc of this fixture is Linear 512 -> 5: 512 * 5 + 5 = 2,565 parameters.
  // A click that lands while the layout is still settling selects nothing: click until it takes.
  const inspector = page.getByTestId('inspector');
  await expect(async () => {
    await page.getByTestId('block-fc').click();
    await expect(inspector.getByTestId('inspector-title')).toHaveText('fc', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(inspector.getByTestId('inspector-params')).toHaveText('2,565 (2.6k)');
  await expect(inspector.getByTestId('inspector-head')).toContainText('512 → 5');

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'resnet18.png'), fullPage: true });

  // Stages open one level at a click (the first view opens only what fits legibly); collapse
  // layer4, then open it again.
  const unit0 = page.locator('.block-name', { hasText: /^layer4\.0$/ });
  const unit1 = page.locator('.block-name', { hasText: /^layer4\.1$/ });
  const expand = page.getByRole('button', { name: 'Expand layer4', exact: true });
  if (await expand.isVisible()) await expand.click();
  await expect(unit0).toBeVisible();
  await page.getByRole('button', { name: 'Collapse layer4', exact: true }).click();
  await expect(unit0).toHaveCount(0);
  await expect(page.getByTestId('block-layer4')).toBeVisible();
  await page.getByRole('button', { name: 'Expand layer4', exact: true }).click();
  await expect(unit0).toBeVisible();
  await expect(unit1).toBeVisible();

  // Double-click opens a residual unit too.
  await unit0.dblclick();
  await expect(page.getByRole('button', { name: 'Collapse layer4.0', exact: true })).toBeVisible();
});

test('a model is chosen in the in-app browser, which lists only the allowed folders', async ({ page, studioPage: _ }) => {
  await page.getByTestId('browse-models').click();
  const browser = page.getByTestId('file-browser');
  // The top level: the allowed roots, nothing else of the machine.
  await expect(browser.getByRole('button', { name: `${dirname(RESNET18)}/` })).toBeVisible();
  await expect(browser.getByRole('button', { name: '/etc/' })).toHaveCount(0);
  await browser.getByRole('button', { name: `${dirname(RESNET18)}/` }).click();
  await browser.getByRole('button', { name: /^model\.onnx/ }).click();
  await expect(page.getByTestId('block-layer4')).toBeVisible();
  await expect(page.getByTestId('file-browser')).toHaveCount(0);
});
