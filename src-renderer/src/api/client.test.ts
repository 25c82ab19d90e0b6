import { describe, expect, it } from 'vitest';
import type { ApiMethod, RpcOutcome } from '../../../src-main/api/contract.js';
import { ApiError, apiOver } from './client.js';

describe('apiOver: the typed client over any transport', () => {
  it('sends each method by name with its params and answers with the result', async () => {
    const sent: [ApiMethod, unknown[]][] = [];
    const api = apiOver(async (method, params): Promise<RpcOutcome> => {
      sent.push([method, params]);
      return { ok: true, result: { echoed: method } };
    });
    expect(await api.listModels()).toEqual({ echoed: 'listModels' });
    expect(await api.openModel({ path: '/m.onnx', edits: [] })).toEqual({ echoed: 'openModel' });
    expect(sent).toEqual([
      ['listModels', []],
      ['openModel', [{ path: '/m.onnx', edits: [] }]],
    ]);
    // The same function each time (stable for React dependencies).
    expect(api.openModel).toBe(api.openModel);
  });

  it('turns an engine error into an ApiError with its code', async () => {
    const api = apiOver(async () => ({ ok: false, error: { code: 'bad-model', message: 'not an ONNX model' } }));
    const err = await api.openModel({ path: '/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'bad-model', message: 'not an ONNX model' });
  });

  it('is not a promise (no `then`) nor JSON, so awaiting or printing it sends nothing', async () => {
    let calls = 0;
    const api = apiOver(async () => {
      calls++;
      return { ok: true, result: null };
    });
    expect((api as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(api)).toBe(api);
    expect(JSON.stringify(api)).toBe('{}');
    expect(String(api)).toBe('[object Object]');
    expect(calls).toBe(0);
  });
});
