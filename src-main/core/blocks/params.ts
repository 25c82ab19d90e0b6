// Which initializers are trainable parameters, counted the way PyTorch counts them: the
// weights and biases of layers, never running statistics, shapes, indices or constants.
import type { Graph, Node, Value } from '../ir/graph.js';
import { isFloatType } from '../onnx/dtype.js';
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

function floatInitializer(v: Value | null, minRank: number): Value | null {
  const init = initializerBehind(v);
  if (!init?.initializer) return null;
  const t = init.initializer;
  return isFloatType(t.dataType) && t.dims.length >= minRank ? init : null;
}

/** The trainable initializers `node` reads directly (or through Identity). */
export function nodeParameters(node: Node): Value[] {
  const out: Value[] = [];
  const slots = TRAINABLE_SLOTS[node.opType];
  if (slots) {
    // A Gemm's A or a MatMul's left operand is a weight only when it is an initializer.
    for (const s of slots) {
      const p = floatInitializer(node.input(s), 1);
      if (p) out.push(p);
    }
    return out;
  }
  if (node.opType === 'Gather') {
    // An embedding table: a float matrix indexed by integer ids.
    const table = floatInitializer(node.input(0), 2);
    if (table) out.push(table);
  } else if (node.opType === 'Add') {
    // The bias of a Linear exported as MatMul + Add (or Gemm + Add).
    const [a, b] = [node.input(0), node.input(1)];
    for (const [bias, other] of [[a, b], [b, a]] as const) {
      const p = floatInitializer(bias, 1);
      const prod = other?.producer;
      if (p && prod && (prod.opType === 'MatMul' || prod.opType === 'Gemm') && nodeParameters(prod).length > 0) out.push(p);
    }
  }
  return out;
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

/** The nodes that really use parameter `v`: its readers, looking through Identity nodes. */
export function parameterConsumers(v: Value): Node[] {
  const out: Node[] = [];
  const stack: Value[] = [v];
  const seen = new Set<Value>();
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const { node } of cur.uses) {
      if (node.opType === 'Identity' && node.output(0)) stack.push(node.output(0)!);
      else if (!out.includes(node)) out.push(node);
    }
  }
  return out;
}
