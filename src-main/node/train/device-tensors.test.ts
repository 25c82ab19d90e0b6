// Parameters kept on the device between steps: each step's updated outputs feed the next
// step, the buffers they replace are freed exactly once, and host tensors are never freed.
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DeviceTensors } from './device-tensors.js';

/** A stand-in for a 'gpu-buffer' tensor: only its location and dispose() matter here. */
function buffer(log: string[], name: string, location: ort.Tensor['location'] = 'gpu-buffer'): ort.Tensor {
  return { location, dispose: () => log.push(name) } as unknown as ort.Tensor;
}

describe('DeviceTensors', () => {
  it("feeds each step the previous step's outputs and frees what they replace", () => {
    const freed: string[] = [];
    const dev = new DeviceTensors(new Map([['updated/w', 'w'], ['updated/m', 'w.m']]));
    expect(dev.outputs).toEqual(['updated/w', 'updated/m']);
    expect(dev.feed('w')).toBeNull(); // before the first step the host copy is fed
    const w1 = buffer(freed, 'w1');
    const m1 = buffer(freed, 'm1');
    dev.take({ 'updated/w': w1, 'updated/m': m1, loss: buffer(freed, 'loss', 'cpu') });
    expect(dev.feed('w')).toBe(w1);
    expect(dev.feed('w.m')).toBe(m1);
    expect(freed).toEqual([]);
    const w2 = buffer(freed, 'w2');
    dev.take({ 'updated/w': w2, 'updated/m': m1 }); // an output that is the same tensor is kept
    expect(dev.feed('w')).toBe(w2);
    expect(freed).toEqual(['w1']);
    dev.reset();
    expect(freed.sort()).toEqual(['m1', 'w1', 'w2']);
    expect(dev.feed('w')).toBeNull();
  });

  it('never frees a host tensor', () => {
    const freed: string[] = [];
    const dev = new DeviceTensors(new Map([['updated/w', 'w']]));
    dev.take({ 'updated/w': buffer(freed, 'host', 'cpu') });
    dev.take({ 'updated/w': buffer(freed, 'gpu') });
    dev.reset();
    expect(freed).toEqual(['gpu']);
  });
});
