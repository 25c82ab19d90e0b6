// Evaluation from a model's outputs: loss, accuracy, per-class accuracy, the confusion matrix
// and the samples the model got most wrong.
import type { Evaluation } from '../../api/training.js';

export interface Predictions {
  /** Per batch: [B, width] outputs (logits for classification). */
  outputs: Float32Array[];
  width: number;
  labels: (Int32Array | Float32Array)[];
  ids: string[];
  /** Each row's index in its split of the dataset, so the UI can show the sample. */
  indices: number[];
  regression: boolean;
}

const WORST = 16;

export function evaluate(p: Predictions, classes: string[] | null, split: 'val' | 'test'): Evaluation {
  let n = 0;
  let lossSum = 0;
  if (p.regression) {
    p.outputs.forEach((out, b) => {
      const t = p.labels[b] as Float32Array;
      for (let i = 0; i < out.length; i++) lossSum += (out[i] - t[i]) ** 2;
      n += out.length;
    });
    return { split, samples: p.ids.length, loss: lossSum / Math.max(n, 1), accuracy: null, classes: null, perClassAccuracy: null, confusion: null, worst: [] };
  }
  const k = p.width;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const worst: Evaluation['worst'] = [];
  let correct = 0;
  let row = 0;
  p.outputs.forEach((out, b) => {
    const labels = p.labels[b] as Int32Array;
    for (let i = 0; i < labels.length; i++, row++) {
      const logits = out.subarray(i * k, (i + 1) * k);
      let max = -Infinity;
      let arg = 0;
      for (let c = 0; c < k; c++) {
        if (logits[c] > max) {
          max = logits[c];
          arg = c;
        }
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(logits[c] - max);
      const loss = -(logits[labels[i]] - max - Math.log(sum));
      lossSum += loss;
      confusion[labels[i]][arg]++;
      if (arg === labels[i]) correct++;
      worst.push({ id: p.ids[row], index: p.indices[row], label: labels[i], predicted: arg, loss });
    }
  });
  n = row;
  worst.sort((a, b) => b.loss - a.loss);
  return {
    split,
    samples: n,
    loss: lossSum / Math.max(n, 1),
    accuracy: correct / Math.max(n, 1),
    classes,
    perClassAccuracy: confusion.map((r, c) => {
      const total = r.reduce((a, b) => a + b, 0);
      return total === 0 ? 0 : r[c] / total;
    }),
    confusion,
    worst: worst.slice(0, WORST),
  };
}
