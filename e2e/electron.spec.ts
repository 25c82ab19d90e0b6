// The desktop shell, driven through Playwright's Electron support when the binary exists.
import { execFileSync } from 'node:child_process';
import { _electron as electron, expect, test } from '@playwright/test';
import { REPO_ROOT, RESNET18, electronBinary } from './support/paths.js';

const binary = electronBinary();

test.skip(
  binary === null,
  'Electron binary not installed: node_modules/electron/dist is missing because install scripts are off (.npmrc); run "npm run setup:electron" where GitHub is reachable',
);

test('the desktop window opens a model over IPC', async () => {
  test.setTimeout(180_000);
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const root = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const app = await electron.launch({ executablePath: binary!, args: [...root, '.', RESNET18], cwd: REPO_ROOT });
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('block-layer1')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('block-fc')).toBeVisible();
    // The page gets the narrow bridge, not Node or ipcRenderer.
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { graft: object }).graft))).toEqual(['invoke']);
    expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
  } finally {
    await app.close();
  }
});
