import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Fixtures live beside the repository (CI clones it elsewhere with shared/ next to it). */
export const FIXTURES = resolve(REPO_ROOT, '..', 'shared', 'fixtures');
export const RESNET18 = join(FIXTURES, 'resnet18', 'model.onnx');
export const ARTIFACTS = join(REPO_ROOT, 'e2e', 'artifacts');

/** Whether the Electron binary was downloaded (`npm run setup:electron`). */
export function electronBinary(): string | null {
  const pkg = join(REPO_ROOT, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const binary = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}
