import { describe, expect, it } from 'vitest';
import { Emitter } from '../ir/emitter.js';
import { Graph } from '../ir/graph.js';
import { graphInput } from '../ir/builder.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { nodeDetails } from './node-details.js';

describe('nodeDetails', () => {
  it("reads a Conv's kernel, stride and pads, and its weight's mean, std, min and max", () => {
    const g = new Graph('g');
    const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: [1, 1, 5, 5] });
    // Weights 1..4: mean 2.5, population std sqrt(1.25).
    const w = g.addInitializer('conv.weight', makeTensor('conv.weight', DataType.FLOAT, [1, 1, 2, 2], new Float32Array([1, 2, 3, 4])));
    const y = new Emitter(g, 13).op('Conv', [x, w], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 1, 0, 1] });
    const d = nodeDetails(y.producer!)!;
    expect(d.geometry).toEqual({ kernel_shape: [2, 2], strides: [2, 2], pads: [0, 1, 0, 1] });
    expect(d.weights).toHaveLength(1);
    expect(d.weights[0]).toMatchObject({ name: 'conv.weight', shape: [1, 1, 2, 2], mean: 2.5, min: 1, max: 4 });
    expect(d.weights[0].std).toBeCloseTo(Math.sqrt(1.25), 6);
  });
});
