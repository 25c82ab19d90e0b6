// Cast: only float-to-float casts lie on a gradient path (the walker drops integer and bool
// values as non-differentiable), and there the gradient is cast back.
import { isFloatType } from '../../onnx/dtype.js';
import type { GradRule } from '../context.js';

/** cast (float -> float): dx = cast(dy, type of x); nothing crosses a cast to or from a non-float */
export const cast: GradRule = (c) => {
  const from = c.input(0).type?.elemType;
  const to = c.attrInt('to', 0);
  if (from === undefined || !isFloatType(from) || !isFloatType(to)) c.unsupported('only float-to-float casts carry a gradient');
  c.setGradIn(0, from === to ? c.gradOut(0)! : c.e.op('Cast', [c.gradOut(0)!], { to: from }));
};
