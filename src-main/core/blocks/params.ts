// Which initializers are trainable parameters, counted the way PyTorch counts them: the
// weights and biases of layers, never running statistics, shapes, indices or constants.
import type { Graph, Node, Value } from '../ir/graph.js';
import { isFloatType } from '../onnx/dtype.js';
import type { TensorProto } from '../onnx/gen/onnx_pb.js';
import { numel, tensorDims } from '../onnx/tensor.js';

/** Input slots that hold trainable tensors, by op type. */
const TRAINABLE_SLOTS: Record<string, readonly number[]> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  Gemm: [0, 1, 2],
  MatMul: [0, 1],
  BatchNormalization: [1, 2], // scale, bias; 3 and 4 are running mean and variance
  InstanceNormalization: [1, 2],
  LayerNormalization: [1, 2],
  GroupNormalization: [1, 2],
  LSTM: [1, 2, 3, 7], // W, R, B, peepholes P; 5 and 6 are initial states
  GRU: [1, 2, 3],
  RNN: [1, 2, 3],
  PRelu: [1],
};

/**
 * Ops whose output only rearranges the weight they read (input 0; every input of a Concat):
 * exporters that do not fold constants route weights through them (a bidirectional LSTM's
 * W/R/B via Slice/Concat/Unsqueeze, attention's in_proj_weight via Transpose, a class token
 * via Expand). Gradients flow back through all of them.
 */
const REARRANGING = new Set(['Identity', 'Slice', 'Concat', 'Split', 'Transpose', 'Reshape', 'Gather', 'Unsqueeze', 'Squeeze', 'Flatten', 'Expand', 'Tile', 'Cast']);

/** Whether reading `v` at input `index` of `node` passes `v`'s elements on unchanged. */
export function rearrangesInput(node: Node, index: number): boolean {
  return REARRANGING.has(node.opType) && (index === 0 || node.opType === 'Concat');
}

/** The tensor of a value that may be a weight: a float initializer, or (while lifting them) a Constant node's. */
export type WeightTest = (v: Value) => TensorProto | null;

const floatInitializerTest: WeightTest = (v) => (v.initializer && isFloatType(v.initializer.dataType) ? v.initializer : null);

/**
 * The float weights whose elements `v` carries, through rearranging ops; null when `v` depends
 * on anything else (data, or a computation). An integer constant (Slice bounds, shapes)
 * carries no weight: [].
 */
function weightSources(v: Value | null, isWeight: WeightTest, depth = 0): Value[] | null {
  if (!v) return [];
  if (isWeight(v)) return [v];
  if (v.initializer) return [];
  const p = v.producer;
  if (!p || depth > 32) return null;
  if (p.opType === 'Constant') return [];
  if (!REARRANGING.has(p.opType)) return null;
  const read = p.opType === 'Concat' ? p.inputs : [p.input(0)];
  const out: Value[] = [];
  for (const i of read) {
    const s = weightSources(i, isWeight, depth + 1);
    if (!s) return null;
    for (const w of s) if (!out.includes(w)) out.push(w);
  }
  return out;
}

/**
 * The initializer behind `v`: `v` itself, or the source of an Identity chain (exporters tie
 * weights by reading one initializer through Identity nodes).
 */
export function initializerBehind(v: Value | null): Value | null {
  let cur = v;
  for (let hops = 0; cur && hops < 16; hops++) {
    if (cur.initializer) return cur;
    const p = cur.producer;
    if (!p || p.opType !== 'Identity') return null;
    cur = p.input(0);
  }
  return null;
}


/** Elementwise ops whose weight operand is a learned bias or scale when the other is data. */
const AFFINE_WITH_DATA = new Set(['Add', 'Mul']);

/**
 * The weights `node` reads as a layer: in its trainable slots, as an embedding table, as a
 * bias or scale applied to data (a Linear's bias after MatMul, a position embedding, a
 * decomposed LayerNorm's affine), or concatenated to data (a class token). Each may reach
 * the node through rearranging ops.
 */
export function nodeWeights(node: Node, isWeight: WeightTest): Value[] {
  const out: Value[] = [];
  const add = (ws: Value[] | null, keep: (dims: number[]) => boolean) => {
    for (const w of ws ?? []) if (keep(tensorDims(isWeight(w)!)) && !out.includes(w)) out.push(w);
  };
  const slots = TRAINABLE_SLOTS[node.opType];
  if (slots) {
    // A Gemm's A or a MatMul's left operand is a weight only when it is one (not data).
    for (const s of slots) add(weightSources(node.input(s), isWeight), (dims) => dims.length >= 1);
    return out;
  }
  if (node.opType === 'Gather') {
    // An embedding table: a float matrix indexed by ids computed from the data.
    const table = weightSources(node.input(0), isWeight);
    const direct = node.input(0) && isWeight(node.input(0)!);
    if (direct || weightSources(node.input(1), isWeight) === null) add(table, (dims) => dims.length >= 2);
  } else if (AFFINE_WITH_DATA.has(node.opType) || node.opType === 'Concat') {
    // Scalars applied to data are constants of the formula (GELU's 0.5, an epsilon), except
    // a Linear's bias, which may have a single output.
    const sources = node.inputs.map((v) => weightSources(v, isWeight));
    if (sources.some((s) => s === null)) {
      const afterLinear = node.opType === 'Add' && node.inputs.some((v) => isLinearOutput(v, isWeight));
      for (const s of sources) add(s, (dims) => dims.length >= 1 && (afterLinear || numel(dims) > 1));
    }
  }
  return out;
}

function isLinearOutput(v: Value | null, isWeight: WeightTest): boolean {
  const p = v?.producer;
  return !!p && (p.opType === 'MatMul' || p.opType === 'Gemm') && nodeWeights(p, isWeight).length > 0;
}

/** The trainable initializers `node` reads (see nodeWeights). */
export function nodeParameters(node: Node): Value[] {
  return nodeWeights(node, floatInitializerTest);
}

/** Every trainable initializer of the graph, in file order of the initializers. */
export function parameterValues(graph: Graph): Value[] {
  const found = new Set<Value>();
  for (const node of graph.nodes) for (const p of nodeParameters(node)) found.add(p);
  const ordered = graph.initializers().filter((v) => found.delete(v));
  // Anything not in initializerOrder (a graph built by hand) goes last, in node order.
  return [...ordered, ...found];
}

/** Number of elements in the given parameters. */
export function countParams(values: Value[]): number {
  let n = 0;
  for (const v of values) if (v.initializer) n += numel(tensorDims(v.initializer));
  return n;
}

/** The nodes that really use parameter `v`: its readers, looking through rearranging ops. */
export function parameterConsumers(v: Value): Node[] {
  const out: Node[] = [];
  const stack: Value[] = [v];
  const seen = new Set<Value>();
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const { node, index } of cur.uses) {
      if (!out.includes(node) && nodeParameters(node).includes(v)) out.push(node);
      if (rearrangesInput(node, index)) for (const o of node.outputs) if (o) stack.push(o);
    }
  }
  return out;
}
