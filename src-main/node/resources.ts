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

/** Debian's dataset-fashion-mnist, the data the bundled model is transferred to. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The dataset offered with the bundled model: Fashion-MNIST's classes 5-9 (which the model
 * never saw), 100 training images per class, when the package is installed.
 */
export function defaultDataset(): { path: string; options: { classes: number[]; perClassLimit: number; valFraction: number; seed: number }; label: string } | null {
  if (!existsSync(FASHION_MNIST_DIR)) return null;
  return {
    path: FASHION_MNIST_DIR,
    options: { classes: [5, 6, 7, 8, 9], perClassLimit: 100, valFraction: 0.1, seed: 0 },
    label: 'Fashion-MNIST, classes 5-9 (sandal … ankle boot), 100 training images per class',
  };
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
