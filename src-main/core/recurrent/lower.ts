// Lowering fused recurrent nodes (ONNX LSTM / GRU / RNN) to unrolled primitive ops, so the
// training step can differentiate them with the ordinary gradient rules (DESIGN.md, "The one
// idea"). W, R, B and P stay the node's own values: the unrolled graph slices them into
// direction and gate blocks, so training updates the original tensors and export writes
// them back into the fused node unchanged.
//
// Shape of the unrolled form, per direction:
//   one Gemm for the input projection of all steps: [T·N, I]·Wᵀ + Wb -> [T, N, G·H]
//   per step: Slice + Squeeze of the projection, one Gemm h_{t-1}·Rᵀ + Rb, gate math
//   on the fused [N, G·H] tensor, then Slice into gates.
import { Emitter } from '../ir/emitter.js';
import { gradRules } from '../autodiff/rules/index.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { inferShapes } from '../shape/infer.js';
import { CELL_STEPS, type CellConfig, type CellState, type PassWeights } from './cells.js';
import { linear, pick, sliceAxis, stack, unstack } from './ops.js';
import { type Cell, type Direction, GATES, RECURRENT_CELLS, type RecurrentSpec, readSpec } from './spec.js';

export interface LowerOptions {
  /** Re-run shape inference over the whole graph afterwards (default true). */
  inferShapes?: boolean;
  /**
   * How the per-step slices of the input projection are taken: one Split (whose gradient is
   * one Concat) or a Slice per step (whose gradients are a full-size Pad each, O(T²) in the
   * backward pass). Default: 'split' when a Split gradient rule exists, else 'slice'.
   */
  steps?: 'split' | 'slice';
}

/** What one fused node became: enough for the trainer's "gradient flow through time" plot. */
export interface LoweredRecurrent {
  /** The id of the fused node (gone from the graph now). */
  nodeId: string;
  cell: Cell;
  direction: Direction;
  hiddenSize: number;
  steps: number;
  /**
   * Per direction (forward first when bidirectional): the hidden state h_t after each time
   * step, indexed by time t = 0..T-1 (a reverse pass computes them from T-1 down to 0).
   * With sequence_lens, a state past a sequence's end holds its last valid value.
   */
  hidden: { direction: 'forward' | 'reverse'; states: Value[] }[];
}

/** Zeros [N, H], N read from X at run time (the initial state when none is given). */
function zeroState(e: Emitter, spec: RecurrentSpec): Value {
  const batchAxis = spec.layout === 0 ? 1 : 0;
  const batch = sliceAxis(e, e.shapeOf(spec.x), 0, batchAxis, batchAxis + 1);
  const dims = e.op('Concat', [batch, e.int64([spec.hidden])], { axis: 0 });
  return e.op('ConstantOfShape', [dims]); // the default fill is float 0
}

/** Initial state of direction d as [N, H]; states are [nd, N, H] (layout 0) or [N, nd, H]. */
function initialState(e: Emitter, spec: RecurrentSpec, v: Value | null, d: number, zeros: () => Value): Value {
  return v ? pick(e, v, spec.layout, d, spec.passes.length) : zeros();
}

/** Cuts direction d's weights out of W, R, B, P (Slice on the node's own values). */
function passWeights(e: Emitter, spec: RecurrentSpec, d: number): { w: Value; wb: Value | null; weights: PassWeights } {
  const nd = spec.passes.length;
  const H = spec.hidden;
  const GH = GATES[spec.cell] * H;
  // B is [nd, 2·G·H] = [Wb | Rb]; a bias block is B[d, from:to] kept 2-D as [1, to - from].
  const bias = (from: number, to: number) => (spec.b ? e.slice(spec.b, [0, 1], [d, from], [d + 1, to]) : null);
  // R[d, from:to, :] as [to - from, H].
  const rRows = (from: number, to: number) => e.squeeze(e.slice(spec.r, [0, 1], [d, from], [d + 1, to]), [0]);
  const weights: PassWeights = {
    r: pick(e, spec.r, 0, d, nd),
    rb: bias(GH, 2 * GH),
    gruSplit: null,
    peepholes: null,
  };
  if (spec.cell === 'GRU' && !spec.linearBeforeReset) {
    weights.gruSplit = { rZR: rRows(0, 2 * H), rbZR: bias(GH, GH + 2 * H), rH: rRows(2 * H, 3 * H), rbH: bias(GH + 2 * H, 2 * GH) };
  }
  if (spec.peepholes) {
    const p = spec.peepholes; // [nd, 3H]: P_i, P_o, P_f
    const part = (k: number) => e.slice(p, [0, 1], [d, k * H], [d + 1, (k + 1) * H]);
    weights.peepholes = { i: part(0), o: part(1), f: part(2) };
  }
  return { w: pick(e, spec.w, 0, d, nd), wb: bias(0, GH), weights };
}

/** Per-step float masks [N, 1]: 1 while t < sequence_lens[n], else 0. */
function stepMasks(e: Emitter, spec: RecurrentSpec): ((t: number) => Value) | null {
  if (!spec.sequenceLens) return null;
  const T = spec.steps;
  const lengths = e.unsqueeze(e.op('Cast', [spec.sequenceLens], { to: 1 }), [1]); // [N, 1] float
  const times = e.float(Array.from({ length: T }, (_, t) => t), [T, 1, 1]);
  const all = e.op('Cast', [e.op('Less', [times, lengths])], { to: 1 }); // [T, N, 1]
  const cache = new Map<number, Value>();
  return (t) => {
    let m = cache.get(t);
    if (!m) cache.set(t, (m = pick(e, all, 0, t, T)));
    return m;
  };
}

/** state_t = prev + m ⊙ (new - prev): the new state inside the sequence, the old one past it. */
function hold(e: Emitter, mask: Value, next: Value, prev: Value): Value {
  return e.op('Add', [prev, e.op('Mul', [mask, e.op('Sub', [next, prev])])]);
}

interface PassResult {
  /** h_t by time index (held past a sequence's end). */
  states: Value[];
  /** What Y shows at each time: h_t, or zero past a sequence's end. */
  outputs: Value[];
  lastH: Value;
  lastC: Value | null;
}

interface PassInputs {
  /** X flattened to [T·N, I] or [N·T, I]. */
  flatX: Value;
  masks: ((t: number) => Value) | null;
  zeros: () => Value;
  stepForm: 'split' | 'slice';
}

function unrollPass(e: Emitter, spec: RecurrentSpec, d: number, { flatX, masks, zeros, stepForm }: PassInputs): PassResult {
  const T = spec.steps;
  const timeAxis = spec.layout === 0 ? 0 : 1;
  const { w, wb, weights } = passWeights(e, spec, d);
  // All steps' input projections at once: [T·N, I]·Wᵀ + Wb, viewed as [T, N, G·H] or [N, T, G·H].
  const GH = GATES[spec.cell] * spec.hidden;
  const proj = e.reshape(linear(e, flatX, w, wb), timeAxis === 0 ? [T, -1, GH] : [-1, T, GH]);
  const projAt = unstack(e, proj, timeAxis, T, stepForm); // [N, G·H] for step t
  const cfg: CellConfig = {
    e,
    hidden: spec.hidden,
    activations: spec.activations[d],
    clip: spec.clip,
    inputForget: spec.inputForget,
    linearBeforeReset: spec.linearBeforeReset,
    weights,
  };
  const step = CELL_STEPS[spec.cell];
  let state: CellState = {
    h: initialState(e, spec, spec.initialH, d, zeros),
    c: spec.cell === 'LSTM' ? initialState(e, spec, spec.initialC, d, zeros) : null,
  };
  const states: Value[] = new Array<Value>(T);
  const outputs: Value[] = new Array<Value>(T);
  const reverse = spec.passes[d] === 'reverse';
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const next = step(cfg, projAt(t), state);
    if (masks) {
      const m = masks(t);
      outputs[t] = e.op('Mul', [m, next.h]);
      state = { h: hold(e, m, next.h, state.h), c: next.c && hold(e, m, next.c, state.c!) };
    } else {
      outputs[t] = next.h;
      state = next;
    }
    states[t] = state.h;
  }
  return { states, outputs, lastH: state.h, lastC: state.c };
}

/** Y from per-direction, per-time [N, H] outputs: [T, nd, N, H] or [N, T, nd, H]. */
function assembleY(e: Emitter, spec: RecurrentSpec, passes: PassResult[]): Value {
  const T = spec.steps;
  const nd = passes.length;
  const parts: Value[] = [];
  for (let t = 0; t < T; t++) for (const p of passes) parts.push(p.outputs[t]);
  // Joined on the hidden axis, whose size is static (N may not be): [N, T·nd·H] -> [N, T, nd, H].
  const joined = parts.length === 1 ? parts[0] : e.op('Concat', parts, { axis: 1 });
  const batchFirst = e.reshape(joined, [-1, T, nd, spec.hidden]);
  return spec.layout === 1 ? batchFirst : e.transpose(batchFirst, [1, 2, 0, 3]);
}

function lowerNode(graph: Graph, opset: number, node: Node, stepForm: PassInputs['stepForm']): LoweredRecurrent {
  const spec = readSpec(node);
  const e = new Emitter(graph, opset, `${node.id}/`);
  const wanted = [0, 1, 2].map((i) => node.output(i)?.isUsed ?? false);
  const before = node.outputs.map((v) => v && { name: v.name, type: v.type, info: v.info });
  let passes: PassResult[] = [];
  const replacements: (Value | null)[] = [null, null, null];

  graph.replaceNode(node, () => {
    let zeros: Value | null = null;
    const inputs: PassInputs = {
      flatX: e.op('Flatten', [spec.x], { axis: 2 }),
      masks: stepMasks(e, spec),
      zeros: () => (zeros ??= zeroState(e, spec)),
      stepForm,
    };
    passes = spec.passes.map((_, d) => unrollPass(e, spec, d, inputs));
    const stateAxis = spec.layout === 0 ? 0 : 1;
    if (wanted[0]) replacements[0] = assembleY(e, spec, passes);
    if (wanted[1]) replacements[1] = stack(e, passes.map((p) => p.lastH), stateAxis);
    if (wanted[2] && spec.cell === 'LSTM') replacements[2] = stack(e, passes.map((p) => p.lastC!), stateAxis);
    return replacements;
  });

  // The replacements take over the old outputs' names and declared types.
  replacements.forEach((v, i) => {
    const old = before[i];
    if (!v || !old) return;
    graph.renameValue(v, old.name);
    v.info = old.info;
    v.type = old.type;
  });

  return {
    nodeId: node.id,
    cell: spec.cell,
    direction: spec.direction,
    hiddenSize: spec.hidden,
    steps: spec.steps,
    hidden: passes.map((p, d) => ({ direction: spec.passes[d], states: p.states })),
  };
}

/**
 * Replaces every LSTM, GRU and RNN node of `graph` (default domain) by unrolled primitive
 * ops. Shapes must have been inferred (the sequence length must be static). Leaves the graph
 * topologically sorted and, unless told otherwise, with shapes inferred again.
 */
export function lowerRecurrent(graph: Graph, opset: number, opts: LowerOptions = {}): LoweredRecurrent[] {
  const fused = graph.nodes.filter((n) => RECURRENT_CELLS.has(n.opType) && (n.domain === '' || n.domain === 'ai.onnx'));
  if (fused.length === 0) return [];
  const stepForm = opts.steps ?? (gradRules.has('Split') ? 'split' : 'slice');
  const lowered = fused.map((n) => lowerNode(graph, opset, n, stepForm));
  graph.topologicalSort();
  if (opts.inferShapes ?? true) inferShapes(graph, { opset });
  return lowered;
}
