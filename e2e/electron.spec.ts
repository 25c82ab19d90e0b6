// The desktop shell, driven through Playwright's Electron support when the binary exists: the
// same journeys as the browser specs (support/flows.ts), with files opened by path and the
// export saved to a path, as the desktop app's user does.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication } from '@playwright/test';
import { FASHION, pageErrors, recurrentFlow, transferFlow } from './support/flows.js';
import { REPO_ROOT, RESNET18, electronBinary } from './support/paths.js';

const binary = electronBinary();

test.skip(
  binary === null,
  'Electron binary not installed: node_modules/electron/dist is missing because install scripts are off (.npmrc); run "npm run setup:electron" where GitHub is reachable',
);
test.describe.configure({ mode: 'serial', timeout: 300_000 });

let built = false;

/** Builds the app once, then starts it on `args` with a workspace of its own. */
async function launch(workspace: string, args: string[]): Promise<ElectronApplication> {
  if (!built) {
    execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    built = true;
  }
  const root = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return electron.launch({ executablePath: binary!, args: [...root, '.', ...args], cwd: REPO_ROOT, env: { ...process.env, GRAFT_WORKSPACE: workspace } });
}

test('the desktop window opens a model over IPC', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'graft-e2e-ws-'));
  const app = await launch(workspace, [RESNET18]);
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('block-layer1')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('block-fc')).toBeVisible();
    // The page gets the narrow bridge, not Node or ipcRenderer.
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { graft: object }).graft).sort())).toEqual(['choosePath', 'invoke', 'onEvent', 'pathForFile']);
    expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
  } finally {
    await app.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('desktop: from the bundled model to a verified, exported fine-tuned model', async () => {
  test.skip(!existsSync(FASHION), 'needs Debian dataset-fashion-mnist');
  const workspace = mkdtempSync(join(tmpdir(), 'graft-e2e-ws-'));
  const app = await launch(workspace, []);
  try {
    const page = await app.firstWindow();
    await expect(page.locator('.app[data-started="true"]')).toBeVisible({ timeout: 60_000 });
    const errors = pageErrors(page);
    await transferFlow(page, {
      async loadDataset(files) {
        const dir = join(workspace, 'idx');
        execFileSync('mkdir', ['-p', dir]);
        for (const f of files) writeFileSync(join(dir, f.name), f.data);
        await page.getByTestId('data-path').fill(dir);
        await page.getByTestId('data-path-open').click();
      },
      async saveExport() {
        const file = join(workspace, 'exported.onnx');
        await page.getByTestId('export-path').fill(file);
        await page.getByTestId('export-save').click();
        await expect(page.getByTestId('export-saved')).toContainText(file);
        return file;
      },
      // The trainer is a utilityProcess (a Node service) of this app's main process.
      killTrainer: () => execFileSync('pkill', ['-KILL', '-P', String(app.process().pid), '-f', 'utility-sub-type=node.mojom.NodeService']),
    });
    expect(errors).toEqual([]);
  } finally {
    await app.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('desktop: the gradient through time of an RNN and of the LSTM swapped in', async () => {
  // Two runs of the adding problem's own settings and the clipping preset (studio-flow.spec.ts).
  test.setTimeout(900_000);
  const workspace = mkdtempSync(join(tmpdir(), 'graft-e2e-ws-'));
  const app = await launch(workspace, []);
  try {
    const page = await app.firstWindow();
    await expect(page.locator('.app[data-started="true"]')).toBeVisible({ timeout: 60_000 });
    await recurrentFlow(page);
  } finally {
    await app.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});
