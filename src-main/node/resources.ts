// Where the studio's bundled files are, whether it runs from source or from a build.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataOptions } from '../api/training.js';

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
export const bundledDataDir = join(resourcesDir, 'datasets');
/** Fashion-MNIST classes 5-9 as an image folder (scripts/make-sample-data.ts): 100 train, 200 test per class. */
export const bundledSampleDir = join(bundledDataDir, 'fashion-mnist-5-9');
export const defaultModelPath = join(bundledModelsDir, 'fashion-cnn.onnx');

/** Debian's dataset-fashion-mnist, the data the bundled model is transferred to. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The dataset offered with the bundled model: Fashion-MNIST's classes 5-9 (which the model
 * never saw), 100 training images per class: from Debian's package when it is installed
 * (its 5,000 test images), otherwise the sample bundled with the studio (1,000 test images).
 */
export function defaultDataset(fashionDir = FASHION_MNIST_DIR): { path: string; options: DataOptions; label: string } | null {
  if (existsSync(fashionDir)) {
    return {
      path: fashionDir,
      options: { classes: [5, 6, 7, 8, 9], perClassLimit: 100, valFraction: 0.1, seed: 0 },
      label: 'Fashion-MNIST, classes 5-9 (sandal … ankle boot), 100 training images per class',
    };
  }
  if (!existsSync(bundledSampleDir)) return null;
  return {
    path: bundledSampleDir,
    options: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 },
    label: 'Fashion-MNIST sample, classes 5-9 (sandal … ankle boot), 100 training images per class (bundled)',
  };
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
