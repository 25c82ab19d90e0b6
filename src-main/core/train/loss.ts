// Losses, each with its analytic gradient: the backward pass starts from dLoss/dprediction,
// which is both exact and cheaper than differentiating the loss's own nodes.
import { DataType } from '../onnx/dtype.js';
import type { Value } from '../ir/graph.js';
import type { Emitter } from '../ir/emitter.js';

export type LossKind = 'cross-entropy' | 'mse';

export interface LossNodes {
  loss: Value;
  /** dLoss/dprediction. */
  seed: Value;
}

/** The batch size as a float scalar, read at run time (the batch dimension is symbolic). */
function batchSize(e: Emitter, x: Value): Value {
  const n = e.op('Gather', [e.shapeOf(x), e.int64([0], [])], { axis: 0 });
  return e.op('Cast', [n], { to: DataType.FLOAT });
}

/**
 * Mean softmax cross-entropy of logits [N, C] against integer labels [N]:
 * loss = -mean_n log softmax(x_n)[y_n];  dLoss/dx = (softmax(x) - onehot(y)) / N.
 */
export function crossEntropy(e: Emitter, logits: Value, labels: Value, classes: number): LossNodes {
  const logp = e.op('LogSoftmax', [logits], { axis: 1 });
  const onehot = e.op('OneHot', [labels, e.int64([classes], []), e.float([0, 1])], { axis: -1 });
  const picked = e.reduceSum(e.op('Mul', [onehot, logp]), [1], false);
  const loss = e.op('Neg', [e.reduceMean(picked, [0], false)]);
  const seed = e.op('Div', [e.op('Sub', [e.op('Exp', [logp]), onehot]), batchSize(e, logits)]);
  return { loss, seed };
}

/** Mean squared error over all elements: loss = mean((p - t)²);  dLoss/dp = 2 (p - t) / numel. */
export function meanSquaredError(e: Emitter, prediction: Value, target: Value): LossNodes {
  const diff = e.op('Sub', [prediction, target]);
  const loss = e.op('ReduceMean', [e.op('Mul', [diff, diff])], { keepdims: 0 });
  const count = e.op('Cast', [e.op('Size', [prediction])], { to: DataType.FLOAT });
  const seed = e.op('Div', [e.op('Mul', [diff, e.float([2])]), count]);
  return { loss, seed };
}
