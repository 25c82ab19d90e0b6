// Guidance without the engine: the help sheet on `?` (tour, chart notes, shortcuts), its
// first-run invitation, and dark mode following the system's colour scheme.
import { FAKE_RESNET } from './support/fake-service.js';
import { expect, fakeTest as test } from './support/studio.js';

test('? opens the tour and the shortcut sheet; a tour step jumps to its tab', async ({ page, studioPage: _ }) => {
  await page.getByTestId('model-select').selectOption(FAKE_RESNET);
  await expect(page.getByTestId('help-open')).toHaveText(/New here\? Take the tour/);
  await page.locator('body').click({ position: { x: 3, y: 300 } });
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-sheet')).toBeVisible();
  await expect(page.getByTestId('shortcut-sheet')).toContainText('Ctrl+Z');
  // One Alt+digit per tab, Try included, and a tour step for each.
  await expect(page.getByTestId('shortcut-sheet')).toContainText('Alt+1 … Alt+5Model, Data, Train, Try, Compare tabs');
  await expect(page.getByTestId('help-sheet').getByRole('heading', { name: 'Graft in five steps' })).toBeVisible();
  await expect(page.getByTestId('tour-try')).toBeVisible();
  await page.getByTestId('tour-data').click();
  await expect(page.getByTestId('help-sheet')).toHaveCount(0);
  await expect(page.getByTestId('tab-data')).toHaveAttribute('aria-selected', 'true');
  // Seen once, the invitation becomes a plain "?".
  await expect(page.getByTestId('help-open')).toHaveText('?');
  // Typing a "?" into a field types it.
  await page.getByTestId('tab-model').click();
  await page.getByTestId('block-search').press('?');
  await expect(page.getByTestId('block-search')).toHaveValue('?');
  await expect(page.getByTestId('help-sheet')).toHaveCount(0);
});

test('dark mode follows the system colour scheme', async ({ page, studioPage: _ }) => {
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await background()).toBe('rgb(245, 246, 248)');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background()).toBe('rgb(20, 23, 29)');
  // The Train tab's settings column too: its legends are drawn in the dark theme's light ink.
  await page.getByTestId('model-select').selectOption(FAKE_RESNET);
  await page.getByTestId('tab-train').click();
  expect(await page.locator('.train-side').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(24, 27, 34)');
});

test('Train and what blocks it stay in sight below the settings at 1280x800', async ({ page, studioPage: _ }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('model-select').selectOption(FAKE_RESNET);
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('train-start')).toBeInViewport();
  await expect(page.getByTestId('train-blocker')).toBeInViewport();
});

test('a path typed in the header stays with its project: a new project starts with an empty field', async ({ page, studioPage: _ }) => {
  await page.getByTestId('open-path-input').fill('/models/elsewhere.onnx');
  await page.getByTestId('project-select').selectOption('__new__');
  await page.getByTestId('project-name').fill('second');
  await page.getByTestId('new-project-dialog-submit').click();
  await expect(page.getByTestId('project-select')).toHaveValue('second');
  await expect(page.getByTestId('open-path-input')).toHaveValue('');
});

test('the project menu keeps its width whatever its label, so the header does not reflow', async ({ page, studioPage: _ }) => {
  const header = async () => ({ path: (await page.getByTestId('open-path-input').boundingBox())!, project: (await page.getByTestId('project-select').boundingBox())! });
  const before = await header();
  // A longer label, as "untitled (12 runs)" or a long project name gives it.
  await page.getByTestId('project-select').selectOption('__new__');
  await page.getByTestId('project-name').fill('fashion-transfer-experiments');
  await page.getByTestId('new-project-dialog-submit').click();
  await expect(page.getByTestId('project-select')).toHaveValue('fashion-transfer-experiments');
  expect(await header()).toEqual(before);
});
