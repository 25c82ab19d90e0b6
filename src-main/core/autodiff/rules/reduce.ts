// Reductions: the gradient spreads dy back over the reduced axes.
import { DataType } from '../../onnx/dtype.js';
import type { Value } from '../../ir/graph.js';
import type { GradContext, GradRule } from '../context.js';
import { floatEqual } from './select.js';
import { constInts, normAxis } from './util.js';

/** The reduced axes (sorted, non-negative), or null when the node is a no-op. */
function reducedAxes(c: GradContext, axesSinceOpset: number): number[] | null {
  const r = c.shape(c.input(0)).length;
  let axes: number[];
  if (c.opset >= axesSinceOpset) {
    const input = c.maybeInput(1);
    axes = input ? constInts(c, input, 'axes') : [];
    if (axes.length === 0 && c.attrInt('noop_with_empty_axes', 0) === 1) return null;
  } else axes = c.attrInts('axes', []);
  if (axes.length === 0) return Array.from({ length: r }, (_, i) => i);
  return [...new Set(axes.map((a) => normAxis(a, r)))].sort((a, b) => a - b);
}

/** dy with the reduced axes back (keepdims=0 dropped them), expanded to x's shape. */
function spread(c: GradContext, axes: number[], dy: Value): Value {
  const kept = c.attrInt('keepdims', 1) === 1 ? dy : c.e.unsqueeze(dy, axes);
  return c.e.op('Expand', [kept, c.e.shapeOf(c.input(0))]);
}

/** reducesum: dx = expand(dy) over the reduced axes */
export const reduceSum: GradRule = (c) => {
  const axes = reducedAxes(c, 13);
  c.setGradIn(0, axes ? spread(c, axes, c.gradOut(0)!) : c.gradOut(0)!);
};

/** reducemean: dx = expand(dy) / (number of elements reduced) */
export const reduceMean: GradRule = (c) => {
  const axes = reducedAxes(c, 18);
  if (!axes) return c.setGradIn(0, c.gradOut(0)!);
  const shape = c.shape(c.input(0));
  const dims = axes.map((a) => shape[a]);
  const e = c.e;
  const count = dims.every((d): d is number => typeof d === 'number')
    ? e.float([1 / dims.reduce((a, b) => a * b, 1)])
    : e.op('Div', [e.op('Cast', [e.op('Size', [c.output(0)])], { to: 1 }), e.op('Cast', [e.op('Size', [c.input(0)])], { to: 1 })]);
  c.setGradIn(0, spread(c, axes, e.op('Mul', [c.gradOut(0)!, count])));
};

/**
 * reducemax / reducemin: dx = [x = y]·dy / #{x = y over the reduced axes}: the extreme's
 * gradient is split evenly among the elements that reach it, as PyTorch's amax/amin do.
 */
export const reduceExtremum: GradRule = (c) => {
  const axes = reducedAxes(c, 18);
  if (!axes) return c.setGradIn(0, c.gradOut(0)!);
  const e = c.e;
  const x = c.input(0);
  const keep = (v: Value) => (c.attrInt('keepdims', 1) === 1 ? v : e.unsqueeze(v, axes));
  const hits = e.op('Cast', [floatEqual(e, x, keep(c.output(0)))], { to: x.type?.elemType ?? DataType.FLOAT });
  const ties = e.reduceSum(hits, axes, true);
  c.setGradIn(0, e.op('Mul', [hits, e.op('Div', [keep(c.gradOut(0)!), ties])]));
};
