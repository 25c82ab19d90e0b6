// The contract of an optimizer as a graph fragment: given a parameter, its (clipped)
// gradient, its state, the learning rate and the step number (1-based, as inputs so that
// schedules never recompile), emit the updated parameter and state.
import type { Value } from '../ir/graph.js';
import type { Emitter } from '../ir/emitter.js';

export interface UpdateInputs {
  param: Value;
  grad: Value;
  /** One value per name in `stateNames`, shaped like the parameter. */
  state: Value[];
  lr: Value;
  step: Value;
}

export interface Optimizer {
  /** State tensors kept per parameter, e.g. ["momentum"] or ["exp_avg", "exp_avg_sq"]. */
  stateNames: string[];
  update(e: Emitter, inputs: UpdateInputs): { param: Value; state: Value[] };
}
