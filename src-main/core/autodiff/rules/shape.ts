// Ops that only move elements: the gradient moves them back.
import type { GradRule } from '../context.js';

/** identity: dx = dy */
export const identity: GradRule = (c) => c.setGradIn(0, c.gradOut(0)!);

/** flatten, reshape: dx = reshape(dy, shape(x)) */
export const reshapeBack: GradRule = (c) => c.setGradIn(0, c.e.reshapeLike(c.gradOut(0)!, c.input(0)));
