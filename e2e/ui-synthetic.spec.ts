// UI behaviour that needs no engine: synthetic models from e2e/support/fake-service.ts.
import { FAKE_LARGE, FAKE_RESNET } from './support/fake-service.js';
import { expect, fakeTest as test, launchStudio } from './support/studio.js';

test('a 1,200-node model opens collapsed and stays responsive', async ({ page, studioPage: _ }) => {
  await page.getByTestId('model-select').selectOption(FAKE_LARGE);
  await expect(page.getByTestId('block-blocks.0')).toBeVisible();
  await expect(page.getByTestId('model-summary')).toContainText('1,202 nodes');
  // Collapsed by default: one card per stage, not one per node.
  expect(await page.locator('.react-flow__node').count()).toBeLessThan(40);

  const started = Date.now();
  await page.getByRole('button', { name: 'Expand blocks.7', exact: true }).click();
  await expect(page.getByTestId('block-blocks.7/blocks.7.9')).toBeVisible();
  expect(Date.now() - started).toBeLessThan(5_000);

  await page.getByTestId('block-blocks.7/blocks.7.3').click();
  await expect(page.getByTestId('inspector-title')).toHaveText('blocks.7.3');
  await expect(page.getByTestId('inspector-nodes')).toHaveText('4');

  // Search finds a block deep in a collapsed stage, opens the stage and selects it.
  await page.getByTestId('block-search').fill('blocks.2.5');
  await page.getByTestId('block-search').press('Enter');
  await expect(page.getByTestId('block-blocks.2/blocks.2.5')).toBeVisible();
  await expect(page.getByTestId('block-blocks.2/blocks.2.5')).toBeInViewport();
  await expect(page.getByTestId('inspector-title')).toHaveText('blocks.2.5');
});

test('the model picker and the inspector work from the keyboard', async ({ page, studioPage: _ }) => {
  await page.getByTestId('model-select').selectOption(FAKE_RESNET);
  await expect(page.getByTestId('block-layer4')).toBeVisible();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('model-select')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('open-path-input')).toBeFocused();
  await page.keyboard.type('/fake/missing.onnx');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('open-path-button')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('error-banner')).toContainText('No such model: /fake/missing.onnx');
});

test('a closed connection turns into a clear error', async ({ page }) => {
  const { url, child } = await launchStudio(['--fake']);
  await page.goto(url);
  await expect(page.getByTestId('model-list')).toContainText('resnet18 (synthetic)');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  await page.getByTestId('model-list').getByRole('button').first().click();
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText('connection to the studio engine closed');
  await expect(banner.locator('.error-code')).toHaveText('disconnected');
});
