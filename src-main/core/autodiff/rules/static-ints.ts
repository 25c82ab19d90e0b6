// Integer inputs that are constant in fact though not in form: exports without constant
// folding compute Slice bounds from shapes (PyTorch's chunk of a packed qkv projection:
// Shape -> Gather -> Add -> Div -> Mul -> Slice). With the static dims shape inference found,
// such small integer graphs evaluate here, so rules that need the numbers can have them.
import { getInt } from '../../ir/attributes.js';
import type { Node, Value } from '../../ir/graph.js';
import { isFloatType } from '../../onnx/dtype.js';
import type { GradContext } from '../context.js';
import { constValues, normAxis } from './util.js';

const MAX_DEPTH = 16;

const BINARY: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => Math.trunc(a / b), // integer Div truncates toward zero
};

function broadcastFlat(a: number[], b: number[], f: (x: number, y: number) => number): number[] | null {
  if (a.length === b.length) return a.map((x, i) => f(x, b[i]));
  if (a.length === 1) return b.map((y) => f(a[0], y));
  if (b.length === 1) return a.map((x) => f(x, b[0]));
  return null;
}

function evaluate(node: Node, input: (i: number) => number[] | null, c: GradContext): number[] | null {
  const op = node.opType;
  if (op === 'Shape') {
    const x = node.inputs[0];
    const s = x?.type?.shape;
    if (!s) return null;
    const r = s.length;
    const start = c.opset >= 15 ? normAxis(getInt(node, 'start', 0), r) : 0;
    const end = c.opset >= 15 ? normAxis(getInt(node, 'end', r), r) : r;
    // A symbolic dim (the batch) is NaN here: Gather may still pick the static ones, and a
    // result that still holds it is refused by staticIntValues.
    return s.slice(Math.max(0, start), Math.min(r, end)).map((d) => (typeof d === 'number' ? d : NaN));
  }
  const out = node.outputs[0]?.type?.elemType;
  if (out === undefined || isFloatType(out)) return null; // integer arithmetic only
  if (op in BINARY) {
    const a = input(0);
    const b = input(1);
    return a && b ? broadcastFlat(a, b, BINARY[op]) : null;
  }
  if (op === 'Gather') {
    const data = input(0);
    const idx = input(1);
    if (!data || !idx || (node.inputs[0]?.type?.shape?.length ?? 1) !== 1) return null;
    return idx.map((i) => data[i < 0 ? i + data.length : i]);
  }
  if (op === 'Concat') {
    const parts = node.inputs.map((_, i) => input(i));
    return parts.every((p): p is number[] => p !== null) ? parts.flat() : null;
  }
  if (op === 'Unsqueeze' || op === 'Squeeze' || op === 'Cast' || op === 'Identity' || op === 'Reshape') return input(0);
  return null;
}

function valuesOf(c: GradContext, v: Value, depth: number): number[] | null {
  const direct = constValues(v);
  if (direct) return direct;
  const p = v.producer;
  if (!p || depth > MAX_DEPTH) return null;
  return evaluate(p, (i) => (p.inputs[i] ? valuesOf(c, p.inputs[i]!, depth + 1) : null), c);
}

/** The values of an integer input: a constant, or a small graph over static shapes; null if neither. */
export function staticIntValues(c: GradContext, v: Value): number[] | null {
  const vals = valuesOf(c, v, 0);
  return vals && vals.every(Number.isFinite) ? vals : null;
}

/** A constant-in-fact integer input the rule needs, or an unsupported() naming it. */
export function staticInts(c: GradContext, v: Value, what: string): number[] {
  const vals = staticIntValues(c, v);
  if (!vals) c.unsupported(`its ${what} input must be a constant, or computed from static shapes`);
  return vals;
}
