// The per-node placement report, read from onnxruntime's own profile: a real CPU session's
// profile (every node it ran, named with its provider), and a GPU profile's shape, where
// nodes the GPU provider lacks run on the CPU with copies around them.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { graphInput, newModel } from '../../core/ir/builder.js';
import { Emitter } from '../../core/ir/emitter.js';
import { Graph } from '../../core/ir/graph.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { describePlacement, placementOf, placementProfile } from './placement.js';

function threeOps(): Uint8Array {
  const g = new Graph('p');
  const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: [4] });
  const e = new Emitter(g, 17);
  g.outputs.push(e.op('Sigmoid', [e.op('Relu', [e.op('Neg', [x])])]));
  return encodeModel(newModel(g, { opset: 17 }));
}

describe('placement', () => {
  it("reads which provider ran each node from onnxruntime's profile of a real session", async () => {
    const profile = await placementProfile();
    const session = await ort.InferenceSession.create(threeOps(), { enableProfiling: true, profileFilePrefix: profile.prefix, graphOptimizationLevel: 'disabled' });
    for (let i = 0; i < 2; i++) await session.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 0, 1, 2), [4]) });
    const p = (await profile.finish(session, 'cpu'))!;
    // On the CPU provider every node is a "CPU" node; the ops are the three the model has.
    expect(p.onDevice).toBe(0);
    expect(p.onCpu.map((n) => n.op).sort()).toEqual(['Neg', 'Relu', 'Sigmoid']);
    expect([...p.lastRunMs.keys()].sort()).toEqual(['Neg', 'Relu', 'Sigmoid']);
    await session.release();
  });

  it('counts GPU nodes, CPU fallbacks by op and the copies between them, each node once', () => {
    const node = (name: string, op: string, provider: string, ts = 0) => ({ cat: 'Node', name: `${name}_kernel_time`, ts, dur: 1000, args: { op_name: op, provider } });
    const events = [
      { cat: 'Session', name: 'model_run', ts: 0, dur: 10 },
      node('conv', 'Conv', 'WebGpuExecutionProvider', 1),
      node('pool', 'MaxPool', 'CPUExecutionProvider', 2),
      node('copy', 'MemcpyToHost', 'WebGpuExecutionProvider', 3),
      { cat: 'Session', name: 'model_run', ts: 100, dur: 10 },
      node('conv', 'Conv', 'WebGpuExecutionProvider', 101),
      node('pool', 'MaxPool', 'CPUExecutionProvider', 102),
      node('shape', 'Gather', 'CPUExecutionProvider', 103),
      { cat: 'Node', name: 'conv_fence_before', args: {} },
    ];
    const p = placementOf(events, 'webgpu');
    expect(p).toMatchObject({ onDevice: 1, copies: 1, onCpu: [{ node: 'pool', op: 'MaxPool' }, { node: 'shape', op: 'Gather' }] });
    // The last run alone: Conv, MaxPool and Gather, one millisecond each.
    expect(Object.fromEntries(p.lastRunMs)).toEqual({ Conv: 1, MaxPool: 1, Gather: 1 });
    expect(describePlacement(p)).toBe('webgpu: 1 of 3 nodes of the step run on the GPU; 2 fall back to the CPU (no webgpu kernel): MaxPool x1, Gather x1; 1 copies between GPU and host memory');
    expect(describePlacement({ ...p, onCpu: [] })).toBe('webgpu: all 1 nodes of the step run on the GPU');
  });
});
