import { describe, expect, it } from 'vitest';
import { datasetProgressWords } from './progress-words.js';

describe('dataset progress in words', () => {
  it('names each stage with its counts, in the run view\'s "done / total" form', () => {
    expect(datasetProgressWords({ stage: 'scanning', done: 3, total: 5, unit: 'class folders', found: 1240 }, 'animals')).toBe('Scanning animals: 3 / 5 class folders, 1,240 images found');
    expect(datasetProgressWords({ stage: 'checking', done: 600, total: 1240, unit: 'images' }, 'animals')).toBe('Checking the images of animals (size and format): 600 / 1,240 images');
    expect(datasetProgressWords({ stage: 'reading', done: 30000, total: 60000, unit: 'images', file: 'train-images-idx3-ubyte.gz' }, 'fashion')).toBe('Reading train-images-idx3-ubyte.gz: 30,000 / 60,000 images');
    expect(datasetProgressWords({ stage: 'reading', done: 0, total: null, unit: 'images', file: 't10k-images-idx3-ubyte' }, 'fashion')).toBe('Reading t10k-images-idx3-ubyte…');
    expect(datasetProgressWords({ stage: 'parsing', done: 11_200_000, total: 22_160_987, unit: 'bytes', found: 5000, file: 'fm.csv' }, 'fm.csv')).toBe('Parsing fm.csv: 11 / 22 MB, 5,000 rows');
    expect(datasetProgressWords({ stage: 'parsing', done: 1_500_000, total: 3_000_000, unit: 'bytes', found: 12, file: 'small.csv' }, 'small.csv')).toBe('Parsing small.csv: 1.5 / 3.0 MB, 12 rows');
    expect(datasetProgressWords({ stage: 'tabulating', done: 4096, total: 10000, unit: 'rows', file: 'fm.csv' }, 'fm.csv')).toBe('Reading the values in fm.csv: 4,096 / 10,000 rows');
    expect(datasetProgressWords({ stage: 'sampling', done: 5, total: 16, unit: 'samples' }, 'animals')).toBe('Drawing the preview samples: 5 / 16');
  });
});
