// A fixed batch relaxed for training (core/train/relax-batch.ts), checked on the model itself
// before any run starts. Where a traced batch of 1 leaves several readings open, the rewrite
// takes the likeliest one that shape inference accepts; a wrong one would let samples mix
// inside a batch and train silently on nonsense. Two different inputs run as one batch must
// give what each gives alone in the file as it was.
import * as ort from 'onnxruntime-node';
import { GraftError } from '../../core/errors.js';
import { modelWithGraph } from '../../core/ir/proto.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import type { TrainingPlan } from '../../core/train/plan.js';
import type { ModelFile } from '../model-file.js';

/** Largest difference allowed, relative to the output's scale (float32 sums in another order). */
const TOLERANCE = 1e-4;

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Null when there is nothing to check (the plan rewrote no target, or the inputs are not plain
 * float tensors); else the line for the run's log. Throws when the relaxed model computes
 * something else than the file at the traced batch.
 */
export async function checkRelaxedBatch(file: ModelFile, plan: Pick<TrainingPlan, 'relaxedOriginal'>): Promise<string | null> {
  const relaxed = plan.relaxedOriginal;
  const batch = file.graph.dataInputs[0]?.type?.shape?.[0];
  if (!relaxed || typeof batch !== 'number') return null;
  const inputs = file.graph.dataInputs;
  const shapes = inputs.map((v) => v.type?.shape?.slice(1));
  if (!inputs.every((v, i) => v.type?.elemType === DataType.FLOAT && v.type.shape?.[0] === batch && shapes[i]!.every((d) => typeof d === 'number'))) return null;

  // Two batches of the traced size, different in every element.
  const size = (i: number) => batch * (shapes[i] as number[]).reduce((a, b) => a * b, 1);
  const halves = [0, 1].map((h) => inputs.map((_, i) => Float32Array.from({ length: size(i) }, (_, k) => Math.sin(0.37 * k + 1.3 * h + i))));
  const feeds = (data: Float32Array[], n: number) => Object.fromEntries(inputs.map((v, i) => [v.name, new ort.Tensor('float32', data[i], [n, ...(shapes[i] as number[])])]));
  const original = await ort.InferenceSession.create(encodeModel(file.model), { intraOpNumThreads: 2 });
  const together = await ort.InferenceSession.create(encodeModel(modelWithGraph(file.model, relaxed)), { intraOpNumThreads: 2 });
  try {
    const alone = [await original.run(feeds(halves[0], batch)), await original.run(feeds(halves[1], batch))];
    const joined = await together.run(feeds(inputs.map((_, i) => concat(halves[0][i], halves[1][i])), 2 * batch));
    let worst = 0;
    for (const name of together.outputNames) {
      const got = joined[name].data as Float32Array;
      const want = concat(alone[0][name].data as Float32Array, alone[1][name].data as Float32Array);
      const scale = 1 + want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]) / scale);
      if (got.length !== want.length || worst > TOLERANCE) {
        throw new GraftError('train-fixed-batch', `the batch fixed at ${batch} in this model could not be relaxed safely: two inputs run as one batch give other outputs ("${name}") than each alone; train with batch size ${batch} (--batch ${batch}, or Batch size in the Train tab)`);
      }
    }
    return `relaxed batch checked: two inputs run as one batch of ${2 * batch} give what each gives alone at batch ${batch} (largest difference ${worst.toExponential(1)} of the output's scale)`;
  } finally {
    await Promise.all([original.release(), together.release()]);
  }
}
