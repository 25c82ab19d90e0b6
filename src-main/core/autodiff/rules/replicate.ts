// Ops that repeat their input: the gradient sums the copies back.
import type { GradRule } from '../context.js';
import { staticInts } from './static-ints.js';
import { staticShape } from './util.js';

/**
 * expand: y = broadcast(x, shape);  dx = Σ dy over the axes broadcasting added or stretched.
 * An axis where x has size 1 is summed whatever y's size there (a no-op when it is 1 too), so
 * a symbolic output dim (a class token expanded to the batch) needs no static size.
 */
export const expand: GradRule = (c) => {
  const e = c.e;
  const inShape = c.shape(c.input(0));
  const outShape = c.shape(c.output(0));
  const lead = outShape.length - inShape.length;
  const unsure = inShape.findIndex((d, i) => typeof d !== 'number' && outShape[i + lead] !== d);
  if (unsure >= 0) c.unsupported(`input dim ${unsure} is symbolic and may have been broadcast`);
  let g = e.reduceSum(c.gradOut(0)!, Array.from({ length: lead }, (_, i) => i), false);
  const ones = inShape.flatMap((d, i) => (d === 1 ? [i] : []));
  g = e.reduceSum(g, ones, true);
  c.setGradIn(0, g);
};

/**
 * tile: y = x repeated r_i times along each axis i;  dx = Σ over the copies: dy reshaped to
 * [r_0, d_0, r_1, d_1, ...] and summed over the r axes.
 */
export const tile: GradRule = (c) => {
  const e = c.e;
  const x = c.input(0);
  const repeats = staticInts(c, c.input(1), 'repeats');
  if (repeats.every((r) => r === 1)) return c.setGradIn(0, c.gradOut(0)!);
  const dims = staticShape(c, x);
  const split = e.reshape(c.gradOut(0)!, dims.flatMap((d, i) => [repeats[i], d]));
  c.setGradIn(0, e.reduceSum(split, dims.map((_, i) => 2 * i), false));
};
