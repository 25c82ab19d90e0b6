// A StudioApi double serving synthetic models, for UI tests that must not depend on the engine.
import type { StudioApi } from '../../src-main/api/contract.js';
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

export function createFakeService(initialModel: string | null = null): StudioApi {
  return {
    appInfo: async () => ({ version: '0.0.0-fake', mode: 'serve', initialModel }),
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
  };
}
