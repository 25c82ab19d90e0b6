import { describe, expect, it } from 'vitest';
import { settingsFrom } from './train-slice.js';

describe("the Train tab's batch-norm setting", () => {
  // The engine's defaults (AppInfo.defaults.train) as they arrive.
  const defaults = { epochs: 30, batchSize: 32, optimizer: 'adamw' as const, lr: 3e-3, batchnorm: 'frozen' as const, cache: true };

  it('a project stored before the setting existed reads the engine default; a stored choice is kept', () => {
    const old = { epochs: 5, lr: 0.01 };
    expect(settingsFrom(defaults, old).batchnorm).toBe('frozen');
    expect(settingsFrom(defaults, { ...old, batchnorm: 'batch' }).batchnorm).toBe('batch');
  });
});
