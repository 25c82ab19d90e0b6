// A StudioApi double serving synthetic models, for UI tests that must not depend on the engine.
import type { StudioApi } from '../../src-main/api/contract.js';
import { DEFAULT_DATA_OPTIONS } from '../../src-main/api/studio-types.js';
import { DEFAULT_TRAIN_CONFIG, STRATEGY_DEFAULTS } from '../../src-main/api/training.js';
import { ADDING_TASK_DEFAULTS } from '../../src-main/api/adding-task.js';
import { syntheticLarge, syntheticResNet18 } from './fake-model.js';

class FakeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const FAKE_RESNET = '/fake/resnet18.onnx';
export const FAKE_LARGE = '/fake/large-1200.onnx';

/** The synthetic service draws models only. */
async function unavailable(): Promise<never> {
  throw new FakeError('not-available', 'the synthetic test service has no datasets or training');
}

export function createFakeService(initialModel: string | null = null): StudioApi {
  return {
    appInfo: async () => ({ version: '0.0.0-fake', mode: 'serve', initialModel, initialData: null, workspace: '/fake/workspace', defaults: { train: DEFAULT_TRAIN_CONFIG, data: DEFAULT_DATA_OPTIONS, strategies: STRATEGY_DEFAULTS, adding: ADDING_TASK_DEFAULTS } }),
    listModels: async () => [
      { path: FAKE_RESNET, label: 'resnet18 (synthetic)', bundled: true },
      { path: FAKE_LARGE, label: 'large, 1,200 nodes (synthetic)', bundled: true },
    ],
    openModel: async ({ path }) => {
      if (path === FAKE_RESNET) return syntheticResNet18(path);
      if (path === FAKE_LARGE) return syntheticLarge(path);
      throw new FakeError('not-found', `No such model: ${path}`);
    },
    probeModel: async () => ({ ok: true, outputs: [], millis: 0, error: null }),
    devices: async () => [{ device: 'cpu', available: true, reason: null }],
    openDataset: unavailable,
    datasetSamples: unavailable,
    browse: unavailable,
    startRun: unavailable,
    controlRun: unavailable,
    resumeRun: unavailable,
    renameRun: unavailable,
    deleteRun: unavailable,
    listRuns: async () => [],
    exportRun: unavailable,
    tryRun: unavailable,
    loadProject: async ({ name }) => ({
      project: { name: name ?? 'untitled', model: initialModel, edits: [], data: null, dataOptions: DEFAULT_DATA_OPTIONS, train: {} },
      runs: [],
    }),
    saveProject: async () => ({ savedAt: new Date().toISOString() }),
    listProjects: async () => [],
  };
}
