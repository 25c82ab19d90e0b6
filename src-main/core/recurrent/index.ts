// Fused recurrent nodes lowered to unrolled primitive ops for training (see lower.ts).
export { type LoweredRecurrent, type LowerOptions, lowerRecurrent } from './lower.js';
export { type Activation, type Cell, type Direction, RECURRENT_CELLS } from './spec.js';
