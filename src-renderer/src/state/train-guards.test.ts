// The guards before Start that name the real problem (issue 15, item 9): on the adding-problem
// RNN with images loaded, the data does not fit the model, and no head swap would fix it.
import { describe, expect, it } from 'vitest';
import { headBlocker, inputShapeBlocker, noDataBlocker } from './train-guards.js';

describe('inputShapeBlocker', () => {
  it('flags images fed to a sequence model and offers the adding problem of its length', () => {
    // The engine resizes images to the model's last two sizes: 1×50×2.
    const b = inputShapeBlocker(['N', 50, 2], [1, 50, 2], true, 20_000);
    expect(b?.message).toContain('reads 50×2 per sample but this dataset gives images (1×50×2 once resized for it)');
    expect(b?.fix).toEqual({ kind: 'load-adding', spec: 'task:adding?length=50&samples=20000', label: 'Load the adding problem (50 steps)' });
  });

  it('lets through data that fits, symbolic sizes matching anything', () => {
    expect(inputShapeBlocker(['N', 50, 2], [50, 2])).toBeNull();
    expect(inputShapeBlocker(['N', 3, 'H', 'W'], [3, 64, 64])).toBeNull();
    expect(inputShapeBlocker(['N', 3, 224, 224], [3, 64, 64])?.fix).toEqual({ kind: 'data-tab', label: 'Go to the Data tab' });
  });
});

describe('headBlocker', () => {
  it('names a one-output head a regression head, and offers the swap', () => {
    expect(headBlocker({ outFeatures: 1 }, 'classification', 5)?.message).toContain('one value (a regression head)');
    expect(headBlocker({ outFeatures: 10 }, 'classification', 5)?.fix?.kind).toBe('swap-head');
    expect(headBlocker({ outFeatures: 1 }, 'regression', undefined)).toBeNull();
    expect(headBlocker({ outFeatures: 5 }, 'classification', 5)).toBeNull();
  });
});

describe('noDataBlocker', () => {
  it('offers the adding problem to a model reading number pairs, the Data tab to others', () => {
    expect(noDataBlocker(['N', 50, 2], 20_000).fix).toEqual({ kind: 'load-adding', spec: 'task:adding?length=50&samples=20000', label: 'Load the adding problem (50 steps)' });
    expect(noDataBlocker(['N', 1, 28, 28], 20_000)).toEqual({ message: 'Choose a dataset on the Data tab first.', fix: { kind: 'data-tab', label: 'Go to the Data tab' } });
  });
});
