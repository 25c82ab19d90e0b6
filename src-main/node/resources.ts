// Where the studio's bundled files are, whether it runs from source or from a build.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'resources'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../..');
}

export const appRoot = findRepoRoot();
export const resourcesDir = join(appRoot, 'resources');
export const bundledModelsDir = join(resourcesDir, 'models');
export const bundledDataDir = join(resourcesDir, 'data');
export const defaultModelPath = join(bundledModelsDir, 'fashion-cnn.onnx');

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
