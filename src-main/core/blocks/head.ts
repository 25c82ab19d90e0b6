// The classification head: the last linear layer that produces the logits, found by walking
// back from the first graph output through ops that do not change the class scores' meaning.
import { getInt } from '../ir/attributes.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { tensorDims } from '../onnx/tensor.js';
import { nodeParameters } from './params.js';
import type { BlockTree, HeadInfo } from './types.js';

const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Dropout']);
const SOFTMAX = new Set(['Softmax', 'LogSoftmax']);

export interface HeadMatch {
  /** The Gemm or MatMul holding the weight. */
  linear: Node;
  /** The Add holding the bias of a MatMul head. */
  biasAdd: Node | null;
  weight: Value;
  bias: Value | null;
  inFeatures: number;
  outFeatures: number;
  softmax: Node | null;
  /** The nodes between the linear layer and the output (bias Add, softmax, reshapes). */
  tail: Node[];
}

function dims(v: Value): number[] {
  return v.initializer ? tensorDims(v.initializer) : [];
}

function matchLinear(node: Node): Omit<HeadMatch, 'softmax' | 'tail' | 'biasAdd'> | null {
  const params = nodeParameters(node);
  if (node.opType === 'Gemm') {
    const weight = params.find((p) => dims(p).length === 2 && initializerSlot(node, p) === 1);
    if (!weight) return null;
    const [d0, d1] = dims(weight);
    const transB = getInt(node, 'transB', 0) !== 0;
    const bias = params.find((p) => p !== weight && initializerSlot(node, p) === 2) ?? null;
    return { linear: node, weight, bias, inFeatures: transB ? d1 : d0, outFeatures: transB ? d0 : d1 };
  }
  if (node.opType === 'MatMul') {
    // x @ W with W stored [in, out].
    const weight = params.find((p) => dims(p).length === 2 && initializerSlot(node, p) === 1);
    if (!weight) return null;
    const [d0, d1] = dims(weight);
    return { linear: node, weight, bias: null, inFeatures: d0, outFeatures: d1 };
  }
  return null;
}

/** The input slot through which `node` reads parameter `p` (looking through Identity). */
function initializerSlot(node: Node, p: Value): number {
  return node.inputs.findIndex((v) => {
    let cur: Value | null = v;
    for (let hops = 0; cur && hops < 16; hops++) {
      if (cur === p) return true;
      cur = cur.producer?.opType === 'Identity' ? cur.producer.input(0) : null;
    }
    return false;
  });
}

/** The head as nodes and values, for passes that need more than the summary. */
export function matchHead(graph: Graph): HeadMatch | null {
  let v: Value | null = graph.outputs[0] ?? null;
  let softmax: Node | null = null;
  const tail: Node[] = [];
  for (let hops = 0; v && hops < 32; hops++) {
    const p: Node | null = v.producer;
    if (!p) return null;
    if (SOFTMAX.has(p.opType) || PASS_THROUGH.has(p.opType)) {
      if (SOFTMAX.has(p.opType)) softmax ??= p;
      tail.push(p);
      v = p.input(0);
      continue;
    }
    const direct = matchLinear(p);
    if (direct) return { ...direct, biasAdd: null, softmax, tail };
    if (p.opType === 'Add') {
      // MatMul + Add: the Add's parameter is the bias.
      const bias = nodeParameters(p)[0];
      const other = bias ? p.inputs.find((x) => x && x !== bias && x.producer?.opType === 'MatMul') : undefined;
      const lin = other?.producer ? matchLinear(other.producer) : null;
      if (lin && bias) return { ...lin, bias, biasAdd: p, softmax, tail: [...tail, p] };
    }
    return null;
  }
  return null;
}

export function detectHead(graph: Graph, tree: BlockTree): HeadInfo | null {
  const m = matchHead(graph);
  if (!m) return null;
  return {
    block: tree.blockOfNode.get(m.linear.id) ?? '',
    nodeId: m.linear.id,
    opType: m.linear.opType,
    weight: m.weight.name,
    bias: m.bias?.name ?? null,
    inFeatures: m.inFeatures,
    outFeatures: m.outFeatures,
    softmaxNodeId: m.softmax?.id ?? null,
  };
}
