// Fresh weights for training from scratch, initialised as torch.nn initialises each layer:
// Conv/Linear weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform with a=sqrt(5)),
// normalisation scale 1 and bias 0 (and batch norm's running mean 0 and variance 1, as
// reset_running_stats does), recurrent W/R/B U(-1/sqrt(hidden), 1/sqrt(hidden)).
import { getInt } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { makeTensor, numel, tensorDims } from '../onnx/tensor.js';
import { nodeParameters } from '../blocks/params.js';
import { seededRandom, uniform } from '../random.js';

function bound(node: Node, slot: number, dims: number[]): number {
  switch (node.opType) {
    case 'LSTM':
    case 'GRU':
    case 'RNN':
      return 1 / Math.sqrt(getInt(node, 'hidden_size', 1));
    case 'Gemm': {
      const w = node.input(1)!.initializer ? tensorDims(node.input(1)!.initializer!) : dims;
      const fanIn = getInt(node, 'transB', 0) === 1 ? w[1] : w[0];
      return 1 / Math.sqrt(fanIn);
    }
    case 'MatMul': {
      const w = node.input(1)?.initializer ? tensorDims(node.input(1)!.initializer!) : dims;
      return 1 / Math.sqrt(w[0]);
    }
    default: {
      // Conv-like: weight [out, in/groups, k...]; the bias takes the weight's fan-in.
      const w = node.input(1)?.initializer ? tensorDims(node.input(1)!.initializer!) : dims;
      return 1 / Math.sqrt(w.slice(1).reduce((a, b) => a * b, 1));
    }
  }
}

/** The MatMul/Gemm whose output an Add adds a bias to: the bias takes that layer's fan-in. */
function linearBefore(add: Node): Node | null {
  if (add.opType !== 'Add') return null;
  for (const v of add.inputs) if (v?.producer && (v.producer.opType === 'MatMul' || v.producer.opType === 'Gemm') && nodeParameters(v.producer).length > 0) return v.producer;
  return null;
}

const NORMS = new Set(['BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'GroupNormalization']);

/** Replaces every parameter of `graph` with a fresh PyTorch-style initialisation (seeded). */
export function reinitializeParameters(graph: Graph, seed: number): void {
  const rand = seededRandom(seed);
  const done = new Set<string>();
  for (const node of graph.nodes) {
    for (const p of nodeParameters(node)) {
      if (done.has(p.name)) continue;
      done.add(p.name);
      const t = p.initializer!;
      const dims = tensorDims(t);
      const slot = node.inputs.indexOf(p);
      const n = numel(dims);
      let data: Float32Array;
      if (NORMS.has(node.opType)) data = new Float32Array(n).fill(slot === 1 ? 1 : 0);
      else if (node.opType === 'Mul') data = new Float32Array(n).fill(1); // a scale on data: a decomposed LayerNorm's weight
      else if (node.opType === 'Concat') data = new Float32Array(n); // a class token, zeros as in torchvision's ViT
      else if (node.opType === 'Add' && !linearBefore(node)) {
        // A bias on data (a decomposed LayerNorm's: zeros) or a position embedding (one row per
        // token: std 0.02 as in torchvision's ViT, here uniform with that deviation).
        data = dims.length >= 2 && n > dims[dims.length - 1] ? uniform(rand, n, 0.02 * Math.sqrt(3)) : new Float32Array(n);
      } else data = uniform(rand, n, bound(linearBefore(node) ?? node, slot, dims));
      p.initializer = makeTensor(p.name, t.dataType, dims, data);
    }
    if (node.opType === 'BatchNormalization') resetRunningStats(node, done);
  }
}

function resetRunningStats(node: Node, done: Set<string>): void {
  for (const [slot, value] of [[3, 0], [4, 1]] as const) {
    const v = node.input(slot);
    const t = v?.initializer;
    if (!v || !t || done.has(v.name)) continue;
    done.add(v.name);
    const dims = tensorDims(t);
    v.initializer = makeTensor(v.name, t.dataType, dims, new Float32Array(numel(dims)).fill(value));
  }
}
