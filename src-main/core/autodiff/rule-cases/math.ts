// Cases for element-wise math (roots, powers, exponentials, Erf) and casts.
import { DataType } from '../../onnx/dtype.js';
import { f, fixed, type GradCase } from './case.js';

export const cases: GradCase[] = [
  // ---- unary math
  { name: 'Sqrt', op: 'Sqrt', inputs: [f([2, 5], { gen: 'positive' })] },
  { name: 'Exp', op: 'Exp', inputs: [f([2, 5])] },
  { name: 'Log', op: 'Log', inputs: [f([2, 5], { gen: 'positive' })] },
  { name: 'Neg', op: 'Neg', inputs: [f([2, 5])] },
  { name: 'Reciprocal', op: 'Reciprocal', inputs: [f([2, 5], { gen: 'positive' })] },
  { name: 'Abs', op: 'Abs', inputs: [f([2, 5], { kinks: [0] })] },
  { name: 'Erf', op: 'Erf', inputs: [f([2, 5], { scale: 2 })] },
  // ---- powers: constant exponents, and base and exponent trained
  { name: 'Pow x^2 (constant exponent)', op: 'Pow', inputs: [f([2, 5]), { floats: [2], dims: [] }] },
  { name: 'Pow x^3 opset 9', op: 'Pow', opset: 9, inputs: [f([2, 5]), { floats: [3], dims: [] }] },
  { name: 'Pow x^-0.5', op: 'Pow', inputs: [f([2, 5], { gen: 'positive' }), { floats: [-0.5], dims: [] }] },
  { name: 'Pow integer exponent tensor opset 15', op: 'Pow', opset: 15, inputs: [f([2, 3]), { ints: [1, 2, 3] }] },
  { name: 'Pow base and exponent trainable, broadcast', op: 'Pow', inputs: [f([2, 3], { gen: 'positive' }), f([3])] },
  { name: 'Pow base and exponent trainable opset 9', op: 'Pow', opset: 9, inputs: [f([2, 3], { gen: 'positive' }), f([2, 3])] },
  { name: 'Pow exponent only trainable', op: 'Pow', inputs: [fixed([2, 3], { gen: 'positive' }), f([2, 1])] },
  // ---- casts
  {
    name: 'Cast float -> double -> float',
    op: 'Cast',
    inputs: [f([2, 3])],
    build: (e, [x]) => e.op('Cast', [e.op('Mul', [e.op('Cast', [x], { to: DataType.DOUBLE }), e.op('Cast', [x], { to: DataType.DOUBLE })])], { to: DataType.FLOAT }),
  },
  { name: 'Cast float -> float', op: 'Cast', attrs: { to: DataType.FLOAT }, inputs: [f([2, 3])] },
];
