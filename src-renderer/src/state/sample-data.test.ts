import { describe, expect, it } from 'vitest';
import type { DataOptions } from '../../../src-main/api/contract.js';
import { isInitialSample } from './sample-data.js';

const DEFAULT_DATA_OPTIONS: DataOptions = { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 };
const FASHION = '/usr/share/datasets/fashion-mnist';
// The studio's start: Fashion-MNIST's classes 5-9, 100 training images each.
const initial = { path: FASHION, options: { ...DEFAULT_DATA_OPTIONS, classes: [5, 6, 7, 8, 9], perClassLimit: 100 }, label: 'Fashion-MNIST, classes 5-9' };

describe('the sample-data note', () => {
  it('holds for the sample as loaded, renamed classes or another seed included', () => {
    expect(isInitialSample({ path: FASHION, options: { ...initial.options, seed: 3, renames: { Bag: 'Handbag' } } }, initial)).toBe(true);
  });

  it('no longer holds once the same folder is opened with all its classes or another cap', () => {
    expect(isInitialSample({ path: FASHION, options: DEFAULT_DATA_OPTIONS }, initial)).toBe(false);
    expect(isInitialSample({ path: FASHION, options: { ...initial.options, perClassLimit: null } }, initial)).toBe(false);
    expect(isInitialSample({ path: '/data/cats', options: initial.options }, initial)).toBe(false);
    expect(isInitialSample({ path: FASHION, options: initial.options }, null)).toBe(false);
  });
});
