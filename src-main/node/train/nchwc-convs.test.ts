// The NCHWc lowering against onnxruntime's own plain convolutions: every case that is
// lowered must give the same outputs, and the cases that must not be lowered stay as they are.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { graphInput, newModel } from '../../core/ir/builder.js';
import { Emitter } from '../../core/ir/emitter.js';
import { Graph, type Value } from '../../core/ir/graph.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { makeTensor } from '../../core/onnx/tensor.js';
import type { ModelProto } from '../../core/onnx/gen/onnx_pb.js';
import { seededRandom, uniform } from '../../core/random.js';
import { NCHWC_DOMAIN, useNchwcConvs } from '../../core/train/nchwc-convs.js';
import { runOrt } from '../../test-support/ort.js';
import { nchwcBlockSize } from './nchwc-probe.js';

const b = await nchwcBlockSize();
if (b === 0) console.log('nchwc-convs.test: skipped, this onnxruntime has no NCHWc kernels on this CPU (or GRAFT_NCHWC=0)');

interface Case {
  name: string;
  /** x [N, C, H, W], weight [M, C', kh, kw] (a graph input unless `initializer`). */
  x: number[];
  w: number[];
  op?: 'Conv' | 'ConvTranspose';
  attrs: Record<string, number | number[]>;
  bias?: boolean;
  initializer?: boolean;
  lowered: boolean;
}

const cases = (b: number): Case[] => [
  { name: '3x3 stride 1, bias', x: [2, 2 * b, 9, 9], w: [2 * b, 2 * b, 3, 3], attrs: { pads: [1, 1, 1, 1] }, bias: true, lowered: true },
  { name: 'stem: 3 input channels, 7x7 stride 2', x: [2, 3, 20, 20], w: [b, 3, 7, 7], attrs: { pads: [3, 3, 3, 3], strides: [2, 2] }, lowered: true },
  { name: '3x3 stride 2', x: [2, b, 9, 8], w: [2 * b, b, 3, 3], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] }, lowered: true },
  { name: '1x1 stride 2 (downsample)', x: [3, b, 7, 7], w: [2 * b, b, 1, 1], attrs: { strides: [2, 2] }, lowered: true },
  { name: 'dilation 2, uneven pads', x: [1, b, 10, 11], w: [b, b, 3, 3], attrs: { pads: [2, 0, 1, 2], dilations: [2, 2] }, lowered: true },
  { name: 'input gradient: ConvTranspose 3x3 stride 1', op: 'ConvTranspose', x: [2, 2 * b, 7, 7], w: [2 * b, b, 3, 3], attrs: { pads: [1, 1, 1, 1] }, lowered: true },
  { name: 'input gradient: ConvTranspose 1x1', op: 'ConvTranspose', x: [2, b, 5, 6], w: [b, 2 * b, 1, 1], attrs: {}, lowered: true },
  { name: 'input gradient: ConvTranspose uneven pads', op: 'ConvTranspose', x: [1, b, 6, 6], w: [b, b, 3, 3], attrs: { pads: [0, 1, 2, 1] }, lowered: true },
  { name: 'grouped: kept', x: [1, 2 * b, 6, 6], w: [2 * b, b, 3, 3], attrs: { pads: [1, 1, 1, 1], group: 2 }, lowered: false },
  { name: 'channels off the block: kept', x: [1, b + 4, 6, 6], w: [b, b + 4, 3, 3], attrs: { pads: [1, 1, 1, 1] }, lowered: false },
  { name: 'initializer weight (onnxruntime blocks it itself): kept', x: [1, b, 6, 6], w: [b, b, 3, 3], attrs: {}, initializer: true, lowered: false },
  { name: 'ConvTranspose stride 2: kept', op: 'ConvTranspose', x: [1, b, 4, 4], w: [b, b, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] }, lowered: false },
];

function build(c: Case, rand: () => number): { model: ModelProto; feeds: Record<string, ort.Tensor> } {
  const g = new Graph('case');
  const numel = (d: number[]) => d.reduce((a, v) => a * v, 1);
  const feeds: Record<string, ort.Tensor> = {};
  const input = (name: string, dims: number[]): Value => {
    const data = uniform(rand, numel(dims), 1);
    feeds[name] = new ort.Tensor('float32', data, dims);
    return graphInput(g, name, { elemType: DataType.FLOAT, shape: dims });
  };
  const x = input('x', c.x);
  const w = c.initializer
    ? g.addInitializer('w', makeTensor('w', DataType.FLOAT, c.w, uniform(rand, numel(c.w), 1)))
    : input('w', c.w);
  const inputs = c.bias ? [x, w, input('b', [c.w[0]])] : [x, w];
  const k = c.w.slice(2);
  g.outputs.push(new Emitter(g, 17).op(c.op ?? 'Conv', inputs, { kernel_shape: k, ...c.attrs }));
  return { model: newModel(g, { opset: 17 }), feeds };
}

const nchwcNodes = (m: ModelProto) => m.graph!.node.filter((n) => n.domain === NCHWC_DOMAIN).length;

describe.skipIf(b === 0)(`NCHWc lowering of weight-input convolutions (block ${b})`, () => {
  for (const c of cases(b)) {
    it(c.name, async () => {
      const { model, feeds } = build(c, seededRandom(7));
      const lowered = useNchwcConvs(model, b);
      expect(nchwcNodes(lowered) > 0).toBe(c.lowered);
      if (!c.lowered) {
        expect(lowered).toBe(model);
        return;
      }
      const [want, got] = [await runOrt(encodeModel(model), feeds), await runOrt(encodeModel(lowered), feeds)];
      const y = Object.values(want)[0];
      const z = Object.values(got)[0];
      expect(z.dims).toEqual(y.dims);
      const a = y.data as Float32Array;
      const d = z.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - d[i]));
      expect(worst).toBeLessThan(1e-4);
    });
  }

  it('blocks a weight read by a forward Conv and its input gradient once each', () => {
    const g = new Graph('shared');
    const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: [1, b, 5, 5] });
    const dy = graphInput(g, 'dy', { elemType: DataType.FLOAT, shape: [1, b, 5, 5] });
    const w = graphInput(g, 'w', { elemType: DataType.FLOAT, shape: [b, b, 3, 3] });
    const e = new Emitter(g, 17);
    g.outputs.push(e.op('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
    g.outputs.push(e.op('Conv', [e.op('Relu', [x]), w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
    g.outputs.push(e.op('ConvTranspose', [dy, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
    const lowered = useNchwcConvs(newModel(g, { opset: 17 }), b);
    const ops = lowered.graph!.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'Conv').length).toBe(3);
    // Forward blocking: 2 Transposes; the flipped filter: 3 of its own.
    expect(ops.filter((o) => o === 'Transpose').length).toBe(5);
    expect(ops.filter((o) => o === 'Slice').length).toBe(1);
  });
});

describe('NCHWc lowering switched off', () => {
  it('returns the model as is for block size 0', () => {
    const { model } = build(cases(16)[0], seededRandom(1));
    expect(useNchwcConvs(model, 0)).toBe(model);
  });
});
