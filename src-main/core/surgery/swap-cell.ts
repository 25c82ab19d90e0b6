// Cell swap: a fused ONNX LSTM / GRU / RNN node is replaced by a fresh one of another cell
// (or the same cell with another hidden size), initialised as torch.nn.LSTM/GRU/RNN do:
// every weight and bias U(-1/sqrt(H), 1/sqrt(H)).
//
// Decisions:
// - X and sequence_lens are kept; activations, clip, input_forget and peepholes are not (they
//   belonged to the old cell); layout is kept. GRU gets linear_before_reset = 1, as PyTorch
//   exports it.
// - initial_c is dropped when leaving LSTM. initial_h is kept when the hidden size and the
//   direction are unchanged; otherwise it is dropped when it is provably zero (ONNX's default
//   is zero, so nothing changes), and refused when it holds real values.
// - Y and Y_h keep their consumers. A consumer of LSTM's Y_c when the new cell has none is
//   an error.
// - Changing the direction is refused (Y's shape [T, D, N, H] changes, and so does whatever
//   reshapes it downstream).
// - Changing the hidden size: every path from Y / Y_h must reach, through shape-preserving
//   ops (Squeeze, Transpose, Gather, Identity, Dropout, activations, ...), either a graph
//   output or a Gemm layer whose weight is an initializer; that Gemm is re-initialised as a
//   torch Linear(newH, out). Anything else is refused, naming the node.
import { GraftError } from '../errors.js';
import { getInt, getString } from '../ir/attributes.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor, readTensor, tensorDims } from '../onnx/tensor.js';
import { seededRandom, uniform } from '../random.js';
import { torchLinearInit } from './linear.js';
import { Emitter } from '../ir/emitter.js';

export type CellKind = 'LSTM' | 'GRU' | 'RNN';
export type CellDirection = 'forward' | 'reverse' | 'bidirectional';

export const CELL_GATES: Record<CellKind, number> = { LSTM: 4, GRU: 3, RNN: 1 };
const CELLS = new Set<string>(['LSTM', 'GRU', 'RNN']);

export interface SwapCellOptions {
  cell: CellKind;
  /** Default: the old node's hidden size. */
  hiddenSize?: number;
  /** Default: the old node's direction; a different one is refused for now. */
  direction?: CellDirection;
  seed: number;
}

export interface SwapCellOutcome {
  /** The new node's id. */
  node: string;
  /** Names of the new parameters (W, R, B, then any re-initialised head weight and bias). */
  newParams: string[];
  log: string;
}

/** The recurrent nodes of a graph, in order. */
export function recurrentNodes(graph: Graph): Node[] {
  return graph.nodes.filter((n) => CELLS.has(n.opType) && (n.domain === '' || n.domain === 'ai.onnx'));
}

function fail(code: string, why: string): never {
  throw new GraftError(code, `swap-cell: ${why}`);
}

/** PyTorch's torch.nn.LSTM/GRU/RNN init: every tensor U(-1/sqrt(H), 1/sqrt(H)). */
export function recurrentInit(rand: () => number, cell: CellKind, inputSize: number, hidden: number, directions: number) {
  const g = CELL_GATES[cell];
  const bound = 1 / Math.sqrt(hidden);
  const w = new Float32Array(directions * g * hidden * inputSize);
  const r = new Float32Array(directions * g * hidden * hidden);
  const b = new Float32Array(directions * 2 * g * hidden);
  // Per direction, as torch draws them: weight_ih, weight_hh, bias_ih, bias_hh.
  for (let d = 0; d < directions; d++) {
    w.set(uniform(rand, g * hidden * inputSize, bound), d * g * hidden * inputSize);
    r.set(uniform(rand, g * hidden * hidden, bound), d * g * hidden * hidden);
    b.set(uniform(rand, 2 * g * hidden, bound), d * 2 * g * hidden);
  }
  return {
    w: { dims: [directions, g * hidden, inputSize], data: w },
    r: { dims: [directions, g * hidden, hidden], data: r },
    b: { dims: [directions, 2 * g * hidden], data: b },
  };
}

/**
 * Parameter names for the new node: the old ones' pattern when they read "<module>.W[_lK]",
 * else "<module>.W" with the module from the node's scope ("/rnn/LSTM_1" -> "rnn", "_l1").
 */
function paramNames(node: Node): { w: string; r: string; b: string } {
  const oldW = node.input(1)?.name ?? '';
  const m = /^(.*)\.W(_l\d+)?$/.exec(oldW);
  if (m) return { w: `${m[1]}.W${m[2] ?? ''}`, r: `${m[1]}.R${m[2] ?? ''}`, b: `${m[1]}.B${m[2] ?? ''}` };
  const parts = node.name.split('/').filter(Boolean);
  const last = parts.pop() ?? '';
  const module = parts.join('.') || 'rnn';
  const layer = /_(\d+)$/.exec(last);
  const suffix = layer ? `_l${layer[1]}` : '';
  return { w: `${module}.W${suffix}`, r: `${module}.R${suffix}`, b: `${module}.B${suffix}` };
}

function newNodeName(node: Node, cell: CellKind): string {
  if (!node.name) return '';
  const parts = node.name.split('/');
  const last = parts.pop() ?? '';
  const layer = /_(\d+)$/.exec(last);
  return [...parts, `${cell}${layer ? layer[0] : ''}`].join('/');
}

/** True when `v` is certainly all zeros (ConstantOfShape with a zero or default value, a zero initializer). */
function isZeros(v: Value): boolean {
  if (v.initializer) return Array.from(readTensor(v.initializer) as ArrayLike<number | bigint>).every((x) => Number(x) === 0);
  const p = v.producer;
  if (p?.opType === 'ConstantOfShape') {
    const t = p.attr('value')?.t;
    return !t || Array.from(readTensor(t) as ArrayLike<number | bigint>).every((x) => Number(x) === 0);
  }
  if (p?.opType === 'Constant') {
    const t = p.attr('value')?.t;
    return !!t && Array.from(readTensor(t) as ArrayLike<number | bigint>).every((x) => Number(x) === 0);
  }
  return false;
}

const PASS_THROUGH = new Set([
  'Squeeze', 'Unsqueeze', 'Transpose', 'Gather', 'Identity', 'Dropout', 'Flatten', 'Slice',
  'Relu', 'Tanh', 'Sigmoid', 'LeakyRelu', 'Elu', 'Gelu', 'ReduceMean', 'ReduceMax', 'ReduceSum',
]);

/** The Gemm layers fed (through shape-preserving ops) by `start`; throws on anything else. */
function headsReading(start: Value[], oldH: number, newH: number): Node[] {
  const heads = new Set<Node>();
  const seen = new Set<Value>();
  const stack = [...start];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const { node, index } of v.uses) {
      if (node.opType === 'Gemm' && index === 0 && node.input(1)?.initializer && getInt(node, 'transA', 0) === 0) {
        heads.add(node);
      } else if (PASS_THROUGH.has(node.opType) && index === 0) {
        for (const o of node.outputs) if (o) stack.push(o);
      } else {
        fail(
          'cell-hidden-change',
          `changing the hidden size from ${oldH} to ${newH} would break ${node.opType} node "${node.id}", which reads the recurrent output ` +
            `through "${v.name}"; only a Gemm head (reached through Squeeze, Transpose, Gather, ...) can be re-initialised. Keep the hidden size at ${oldH}.`,
        );
      }
    }
    for (const u of v.implicitUses) fail('cell-hidden-change', `the recurrent output "${v.name}" is read inside a subgraph of node "${u.id}"; the hidden size cannot change`);
  }
  return [...heads];
}

/** Replaces the recurrent node `nodeId` in place. Call graph.topologicalSort / inferShapes after. */
export function swapCell(graph: Graph, nodeId: string, o: SwapCellOptions, opset: number): SwapCellOutcome {
  const node = graph.node(nodeId);
  if (!CELLS.has(node.opType)) fail('cell-not-recurrent', `node "${nodeId}" is a ${node.opType}, not an LSTM, GRU or RNN`);
  if (!CELLS.has(o.cell)) fail('edit-invalid', `unknown cell "${String(o.cell)}" (LSTM, GRU or RNN)`);
  const oldCell = node.opType as CellKind;
  const direction = getString(node, 'direction', 'forward') as CellDirection;
  if (o.direction !== undefined && o.direction !== direction) {
    fail('cell-direction', `changing the direction of "${nodeId}" from ${direction} to ${o.direction} is not supported (the output's shape and every reshape after it would change)`);
  }
  const D = direction === 'bidirectional' ? 2 : 1;
  const w = node.input(1);
  const wDims = w?.initializer ? tensorDims(w.initializer) : w?.type?.shape;
  const inputSize = wDims?.[2];
  if (typeof inputSize !== 'number') fail('cell-shape', `the input size of "${nodeId}" is unknown (its W "${w?.name ?? ''}" has no known shape)`);
  const gOld = CELL_GATES[oldCell];
  const fromW = typeof wDims?.[1] === 'number' ? (wDims[1] as number) / gOld : undefined;
  const oldH = getInt(node, 'hidden_size') ?? fromW;
  if (oldH === undefined || !Number.isInteger(oldH)) fail('cell-shape', `the hidden size of "${nodeId}" is unknown`);
  const H = o.hiddenSize ?? oldH;
  if (!Number.isInteger(H) || H < 1) fail('edit-invalid', `"hiddenSize" must be a positive whole number (got ${String(o.hiddenSize)})`);
  const layout = getInt(node, 'layout', 0);

  const [oldY, oldYh, oldYc] = [node.output(0), node.output(1), node.output(2)];
  if (oldCell === 'LSTM' && o.cell !== 'LSTM' && oldYc && (oldYc.isUsed || oldYc.isGraphOutput)) {
    const who = oldYc.uses[0]?.node.id;
    fail('cell-state-used', `${who ? `node "${who}"` : `graph output "${oldYc.name}"`} reads the LSTM cell state Y_c of "${nodeId}", which a${o.cell === 'RNN' ? 'n' : ''} ${o.cell} does not have`);
  }

  // Initial states.
  const sameState = H === oldH;
  let initialH = node.input(5);
  if (initialH && !sameState) {
    if (!isZeros(initialH)) fail('cell-initial-state', `"${nodeId}" starts from the initial state "${initialH.name}" of hidden size ${oldH}; it cannot feed a cell of hidden size ${H}`);
    initialH = null; // zeros, ONNX's default
  }
  let initialC = o.cell === 'LSTM' && oldCell === 'LSTM' ? node.input(6) : null;
  if (initialC && !sameState) {
    if (!isZeros(initialC)) fail('cell-initial-state', `"${nodeId}" starts from the initial cell state "${initialC.name}" of hidden size ${oldH}; it cannot feed a cell of hidden size ${H}`);
    initialC = null;
  }

  // A new hidden size: the heads reading the output must be re-initialised.
  const heads = H === oldH ? [] : headsReading([oldY, oldYh].filter((v): v is Value => !!v), oldH, H);

  // The new node.
  const rand = seededRandom(o.seed);
  const init = recurrentInit(rand, o.cell, inputSize, H, D);
  const names = paramNames(node);
  const newParams: { value: Value; name: string }[] = [];
  const param = (name: string, dims: number[], data: Float32Array): Value => {
    const unique = graph.uniqueName(name);
    const v = graph.addInitializer(unique, makeTensor(unique, DataType.FLOAT, dims, data));
    newParams.push({ value: v, name });
    return v;
  };
  const W = param(names.w, init.w.dims, init.w.data);
  const R = param(names.r, init.r.dims, init.r.data);
  const B = param(names.b, init.b.dims, init.b.data);
  const inputs: (Value | null)[] = [node.input(0), W, R, B, node.input(4), initialH];
  if (o.cell === 'LSTM') inputs.push(initialC);
  while (inputs.length > 3 && inputs[inputs.length - 1] === null) inputs.pop();
  const name = newNodeName(node, o.cell);
  const outputs = o.cell === 'LSTM' ? 3 : 2;
  const e = new Emitter(graph, opset, { outputs: 'exporter' });
  const attributes = {
    hidden_size: H,
    direction: direction === 'forward' ? undefined : direction,
    layout: layout === 0 ? undefined : layout,
    linear_before_reset: o.cell === 'GRU' ? 1 : undefined,
  };
  const freshOutputs = e.opN(o.cell, inputs, outputs, attributes, { name, before: node });

  // Heads re-initialised as torch Linear(H * ..., out): the in-features scale with H.
  for (const head of heads) {
    const wv = head.input(1)!;
    const dims = tensorDims(wv.initializer!);
    const transB = getInt(head, 'transB', 0) === 1;
    const out = transB ? dims[0] : dims[1];
    const oldIn = transB ? dims[1] : dims[0];
    const fin = (oldIn / oldH) * H;
    if (!Number.isInteger(fin)) fail('cell-hidden-change', `head "${head.id}" has ${oldIn} in-features, not a multiple of the hidden size ${oldH}`);
    const t = torchLinearInit(rand, fin, out);
    let wData = t.weight;
    if (!transB) {
      wData = new Float32Array(t.weight.length);
      for (let r = 0; r < out; r++) for (let c = 0; c < fin; c++) wData[c * out + r] = t.weight[r * fin + c];
    }
    graph.setInput(head, 1, param(wv.name, transB ? [out, fin] : [fin, out], wData));
    const bv = head.input(2);
    if (bv?.initializer) {
      const bDims = tensorDims(bv.initializer);
      // A broadcast bias of another shape is kept as it is.
      if (bDims.length === 1 && bDims[0] === out) graph.setInput(head, 2, param(bv.name, [out], t.bias));
    }
  }

  // Rewire: Y and Y_h keep their consumers (and graph-output names); Y_c only LSTM -> LSTM.
  const outNames = new Map<Value, string>();
  [oldY, oldYh, oldYc].forEach((old, i) => {
    if (!old || i >= outputs) return;
    const rep = freshOutputs[i];
    if (old.isGraphOutput) outNames.set(rep, old.name);
    graph.replaceAllUsesWith(old, rep);
  });
  graph.cleanup();
  for (const [v, n] of outNames) if (!graph.values.has(n)) graph.renameValue(v, n);
  for (const p of newParams) if (!graph.values.has(p.name) && graph.values.get(p.value.name) === p.value) graph.renameValue(p.value, p.name);
  graph.topologicalSort();

  const shape = (c: CellKind, h: number) => `${c}(${inputSize} → ${h}${D === 2 ? ', bidirectional' : ''})`;
  return {
    node: freshOutputs[0].producer!.id,
    newParams: newParams.map((p) => p.value.name),
    log:
      `swap-cell: "${nodeId}" ${shape(oldCell, oldH)} replaced by ${shape(o.cell, H)}, seed ${o.seed}` +
      (heads.length ? `; re-initialised ${heads.map((h) => `"${h.id}"`).join(', ')} for ${H * D} in-features` : ''),
  };
}
