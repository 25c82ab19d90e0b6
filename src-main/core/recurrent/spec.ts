// What a fused ONNX LSTM / GRU / RNN node asks for, read once and checked, so the unroller
// never looks at attributes again. Everything the lowering cannot do is refused here, with
// the node named.
import { GraftError } from '../errors.js';
import { getFloat, getInt, getString } from '../ir/attributes.js';
import type { Node, Value } from '../ir/graph.js';
import { DataType, dtypeName } from '../onnx/dtype.js';
import { readInts } from '../onnx/tensor.js';

export type Cell = 'LSTM' | 'GRU' | 'RNN';
export type Direction = 'forward' | 'reverse' | 'bidirectional';
export type Activation = 'Sigmoid' | 'Tanh' | 'Relu';

export const RECURRENT_CELLS: ReadonlySet<string> = new Set<Cell>(['LSTM', 'GRU', 'RNN']);

/** Gate blocks stacked in W and R: LSTM i,o,f,c; GRU z,r,h; RNN one. */
export const GATES: Record<Cell, number> = { LSTM: 4, GRU: 3, RNN: 1 };

/** ONNX defaults: LSTM f,g,h; GRU f,g; RNN f. */
const DEFAULT_ACTIVATIONS: Record<Cell, Activation[]> = {
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  RNN: ['Tanh'],
};

const SUPPORTED_ACTIVATIONS = new Map<string, Activation>([
  ['sigmoid', 'Sigmoid'],
  ['tanh', 'Tanh'],
  ['relu', 'Relu'],
]);

export interface RecurrentSpec {
  node: Node;
  cell: Cell;
  direction: Direction;
  /** The directions in output order: forward first. */
  passes: ('forward' | 'reverse')[];
  hidden: number;
  /** 0: X is [T, N, I]; 1: X is [N, T, I] (batch first). */
  layout: 0 | 1;
  /** Sequence length T, static. */
  steps: number;
  /** Per pass, the activations in ONNX order. */
  activations: Activation[][];
  /** Bound of the Clip applied to every gate pre-activation, or null. */
  clip: number | null;
  /** LSTM: forget gate coupled to the input gate (f = 1 - i). */
  inputForget: boolean;
  /** GRU: apply the reset gate after the recurrent matrix product. */
  linearBeforeReset: boolean;
  x: Value;
  w: Value;
  r: Value;
  b: Value | null;
  /** Present only when some sequence may be shorter than T (masking needed). */
  sequenceLens: Value | null;
  initialH: Value | null;
  initialC: Value | null;
  peepholes: Value | null;
}

function refuse(node: Node, code: string, why: string): never {
  throw new GraftError(code, `${node.opType} node "${node.id}" cannot be lowered for training: ${why}`);
}

function readActivations(node: Node, cell: Cell, passes: number): Activation[][] {
  const perPass = DEFAULT_ACTIVATIONS[cell].length;
  const attr = node.attr('activations');
  if (!attr || attr.strings.length === 0) return Array.from({ length: passes }, () => DEFAULT_ACTIVATIONS[cell]);
  const names = attr.strings.map((s) => new TextDecoder().decode(s));
  const acts = names.map((name) => {
    const act = SUPPORTED_ACTIVATIONS.get(name.toLowerCase());
    if (!act) refuse(node, 'recurrent-activation', `activation "${name}" is not supported (supported: Sigmoid, Tanh, Relu)`);
    return act;
  });
  if (acts.length === perPass * passes) return Array.from({ length: passes }, (_, d) => acts.slice(d * perPass, (d + 1) * perPass));
  if (acts.length === perPass) return Array.from({ length: passes }, () => acts);
  refuse(node, 'recurrent-activation', `it lists ${acts.length} activations; ${cell} needs ${perPass} per direction`);
}

/** The constant data behind a value (initializer or Constant node), when there is one. */
function constantInts(v: Value): number[] | null {
  if (v.initializer) return readInts(v.initializer);
  const p = v.producer;
  const t = p?.opType === 'Constant' ? p.attr('value')?.t : undefined;
  return t ? readInts(t) : null;
}

/** sequence_lens matters only when some length may differ from T. */
/** The longest sequence unrolled for training (each step is a copy of the cell's ops). */
export const MAX_UNROLL_STEPS = 10_000;

function effectiveLengths(v: Value | null, steps: number): Value | null {
  if (!v) return null;
  const lens = constantInts(v);
  return lens && lens.every((l) => l === steps) ? null : v;
}

export function readSpec(node: Node): RecurrentSpec {
  const cell = node.opType as Cell;
  if (!RECURRENT_CELLS.has(cell)) refuse(node, 'recurrent-op', 'not a recurrent node');
  const direction = getString(node, 'direction', 'forward') as Direction;
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) refuse(node, 'recurrent-direction', `unknown direction "${direction}"`);
  const passes: RecurrentSpec['passes'] = direction === 'bidirectional' ? ['forward', 'reverse'] : [direction];
  const layout = getInt(node, 'layout', 0);
  if (layout !== 0 && layout !== 1) refuse(node, 'recurrent-layout', `unknown layout ${layout}`);

  const [x, w, r] = [0, 1, 2].map((i) => node.input(i));
  if (!x || !w || !r) refuse(node, 'recurrent-inputs', 'X, W and R are required');
  const xShape = x.type?.shape;
  if (!xShape || xShape.length !== 3) refuse(node, 'recurrent-shape', `the shape of X "${x.name}" is unknown (infer shapes first)`);
  if (x.type!.elemType !== DataType.FLOAT) refuse(node, 'recurrent-dtype', `only float32 is supported, X is ${dtypeName(x.type!.elemType)}`);
  const steps = xShape[layout === 0 ? 0 : 1];
  if (typeof steps !== 'number') {
    refuse(node, 'recurrent-dynamic-length', `its sequence length is ${steps === null ? 'unknown' : `the symbol "${steps}"`}; unrolling needs a fixed length (export the model with a static sequence dimension)`);
  }
  // Unrolling makes a copy of the cell per step: a length from a damaged or hostile file
  // (2^40, or 0) would exhaust memory or make no graph at all.
  if (steps < 1 || steps > MAX_UNROLL_STEPS) refuse(node, 'recurrent-shape', `its sequence length ${steps} is outside 1..${MAX_UNROLL_STEPS}, the lengths Graft unrolls for training`);
  const gates = GATES[cell];
  const fromW = w.type?.shape?.[1];
  const hidden = getInt(node, 'hidden_size') ?? (typeof fromW === 'number' ? fromW / gates : undefined);
  if (hidden === undefined || !Number.isInteger(hidden) || hidden <= 0) refuse(node, 'recurrent-hidden', 'its hidden size is unknown');

  const clipAttr = node.attr('clip');
  // A float per the spec; an exporter that wrote a whole number as INT still means that bound.
  const clip = !clipAttr ? null : clipAttr.type === 2 ? Number(clipAttr.i) : getFloat(node, 'clip', 0);
  const inputForget = cell === 'LSTM' && getInt(node, 'input_forget', 0) === 1;
  const linearBeforeReset = cell === 'GRU' && getInt(node, 'linear_before_reset', 0) === 1;
  return {
    node,
    cell,
    direction,
    passes,
    hidden,
    layout,
    steps,
    activations: readActivations(node, cell, passes.length),
    clip,
    inputForget,
    linearBeforeReset,
    x,
    w,
    r,
    b: node.input(3),
    sequenceLens: effectiveLengths(node.input(4), steps),
    initialH: node.input(5),
    initialC: cell === 'LSTM' ? node.input(6) : null,
    peepholes: cell === 'LSTM' ? node.input(7) : null,
  };
}
