// Export: the edited inference graph with the trained weights and the metadata a user of the
// file needs (class names, preprocessing). Before it is reported as saved, the written file is
// run in onnxruntime on validation samples and must reproduce the trainer's own outputs.
import { create } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-node';
import { DataType } from '../../core/onnx/dtype.js';
import { StringStringEntryProtoSchema } from '../../core/onnx/gen/onnx_pb.js';
import { makeTensor } from '../../core/onnx/tensor.js';
import { cloneGraph } from '../../core/ir/clone.js';
import { CLASS_NAMES_KEY, GRAFT_EDITS_KEY, PREPROCESSING_KEY } from '../../core/surgery/metadata.js';
import { modelWithGraph } from '../../core/ir/proto.js';
import type { TrainingPlan } from '../../core/train/plan.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { writeFileAtomic } from '../model-file.js';
import type { Dataset, Preprocess, Split } from '../data/types.js';
import type { Predictions } from './evaluate.js';
import type { OwnedTensor } from './session.js';
import { QUIET_SESSION } from '../runtime-errors.js';

export const EXPORT_TOLERANCE = 1e-4;

export interface ExportRequest {
  path: string;
  plan: TrainingPlan;
  /** Written into the metadata: the model's own, or the dataset's. */
  classNames: string[] | null;
  weights: Map<string, OwnedTensor>;
  dataset: Dataset;
  preprocess: Preprocess;
  /** The trainer's own outputs on `split`, in dataset order. */
  reference: Predictions;
  split: Split;
  batchSize: number;
}

function softmaxRows(x: Float32Array, width: number, log: boolean): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / width; r++) {
    const row = x.subarray(r * width, (r + 1) * width);
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    for (let c = 0; c < width; c++) out[r * width + c] = log ? row[c] - max - Math.log(sum) : Math.exp(row[c] - max) / sum;
  }
  return out;
}

export async function exportTrainedModel(req: ExportRequest): Promise<{ path: string; verified: boolean; maxAbsDiff: number; samples: number }> {
  const { plan } = req;
  const graph = cloneGraph(plan.exported.graph);
  for (const [name, t] of req.weights) {
    const v = graph.values.get(name);
    if (v?.initializer) v.initializer = makeTensor(name, DataType.FLOAT, t.dims, t.data);
  }
  const base = plan.base;
  const meta = new Map(base.metadataProps.map((m) => [m.key, m.value]));
  if (req.classNames) meta.set(CLASS_NAMES_KEY, JSON.stringify(req.classNames));
  const info = req.dataset.info;
  meta.set(
    PREPROCESSING_KEY,
    JSON.stringify({ channels: req.preprocess.channels, height: req.preprocess.height, width: req.preprocess.width, mean: info.normalisation.mean, std: info.normalisation.std, layout: 'NCHW', resize: req.preprocess.resize }),
  );
  meta.set(GRAFT_EDITS_KEY, JSON.stringify(plan.edits));
  const model = modelWithGraph(base, graph);
  model.metadataProps = [...meta].map(([key, value]) => create(StringStringEntryProtoSchema, { key, value }));
  const bytes = encodeModel(model);
  await writeFileAtomic(req.path, bytes);

  // Verify the file as written: its outputs on real samples against the trainer's.
  const session = await ort.InferenceSession.create(bytes, { ...QUIET_SESSION, intraOpNumThreads: 2 });
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  const expected = new Map<string, Float32Array>();
  const w = req.reference.width;
  let row = 0;
  for (const out of req.reference.outputs) {
    const soft = plan.softmax ? softmaxRows(out, w, plan.softmax === 'LogSoftmax') : out;
    for (let i = 0; i < out.length / w; i++, row++) expected.set(req.reference.ids[row], soft.subarray(i * w, (i + 1) * w));
  }
  let maxAbsDiff = 0;
  let samples = 0;
  const n = Math.min(req.dataset.size(req.split), 256);
  for (let start = 0; start < n; start += req.batchSize) {
    const indices = Array.from({ length: Math.min(req.batchSize, n - start) }, (_, i) => start + i);
    const b = await req.dataset.getBatch(req.split, indices);
    if (b.indices.length === 0) continue;
    const got = (await session.run({ [input]: new ort.Tensor('float32', b.x, b.shape) }))[output].data as Float32Array;
    b.ids.forEach((id, k) => {
      const want = expected.get(id);
      if (!want) return;
      samples++;
      for (let c = 0; c < w; c++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[k * w + c] - want[c]));
    });
  }
  await session.release();
  return { path: req.path, verified: samples > 0 && maxAbsDiff <= EXPORT_TOLERANCE, maxAbsDiff, samples };
}
