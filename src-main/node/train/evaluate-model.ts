// Evaluating a model file on a dataset: accuracy, per-class accuracy, confusion matrix and the
// worst-predicted samples, on the test split (or validation when there is no test split).
import type { Evaluation } from '../../api/training.js';
import { graphFromModel, modelWithGraph } from '../../core/ir/proto.js';
import { removeTrailingSoftmax } from '../../core/surgery/index.js';
import { modelOpset } from '../../core/shape/infer.js';
import { openDataset } from '../data/index.js';
import type { Split } from '../data/types.js';
import { readModelFile } from '../model-file.js';
import { modelPreprocess, shapedForModel } from './data.js';
import { evaluate } from './evaluate.js';
import { createSession } from './session.js';
import * as ort from 'onnxruntime-node';

export interface EvalOptions {
  classes?: number[];
  batchSize?: number;
  split?: Split;
}

export async function evaluateModelFile(modelPath: string, dataPath: string, opts: EvalOptions = {}): Promise<Evaluation> {
  const file = await readModelFile(modelPath);
  // Scores before any softmax: the loss and the ranking of worst samples need logits.
  const graph = graphFromModel(file.model);
  removeTrailingSoftmax(graph, modelOpset(file.model));
  const session = await createSession(modelWithGraph(file.model, graph));
  const dataset = shapedForModel(await openDataset(dataPath, modelPreprocess(file, 0, false), { seed: 0, ...(opts.classes ? { classes: opts.classes } : {}) }), file);
  const split: Split = opts.split ?? (dataset.size('test') > 0 ? 'test' : 'val');
  const batchSize = opts.batchSize ?? 64;
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  const outputs: Float32Array[] = [];
  const labels: (Int32Array | Float32Array)[] = [];
  const ids: string[] = [];
  const kept: number[] = [];
  let width = 0;
  for (let start = 0; start < dataset.size(split); start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, dataset.size(split) - start) }, (_, i) => start + i);
    const b = await dataset.getBatch(split, indices);
    if (b.indices.length === 0) continue;
    const out = (await session.run({ [input]: new ort.Tensor('float32', b.x, b.shape) }))[output];
    width = out.dims.slice(1).reduce((a, c) => a * Number(c), 1);
    outputs.push(out.data as Float32Array);
    labels.push(b.labels);
    ids.push(...b.ids);
    kept.push(...b.indices);
  }
  await session.release();
  return evaluate({ outputs, width, labels, ids, indices: kept, regression: dataset.info.task === 'regression' }, dataset.info.classes, split === 'test' ? 'test' : 'val');
}
