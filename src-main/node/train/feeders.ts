// Where a run's batches come from: the cached frozen frontier (the prefix run once per sample)
// or the dataset itself, each epoch. Both look the same to the loop and to evaluation.
import type * as ort from 'onnxruntime-node';
import type { TrainingPlan } from '../../core/train/plan.js';
import type { Dataset, Split } from '../data/types.js';
import type { Predictions } from './evaluate.js';
import { FeatureStore } from './features.js';
import type { Device } from './devices.js';
import { createPlannedSession, type OwnedTensor, toOrt } from './session.js';

const FEATURE_BUDGET = 2 * 2 ** 30;

export interface Batch {
  feeds: Record<string, ort.Tensor>;
  labels: Int32Array | Float32Array;
  ids: string[];
  /** Each sample's index in its split. */
  indices: number[];
}

export interface Feeder {
  size: number;
  batch(indices: readonly number[], epoch: number): Promise<Batch>;
  dispose(): void;
}

function pick(labels: Int32Array | Float32Array, indices: readonly number[], per: number): Int32Array | Float32Array {
  if (labels instanceof Int32Array) return Int32Array.from(indices, (i) => labels[i]);
  const out = new Float32Array(indices.length * per);
  indices.forEach((i, k) => out.set(labels.subarray(i * per, (i + 1) * per), k * per));
  return out;
}

/** Feeders for a plan's splits; one prefix session serves them all until `release`. */
export class Feeders {
  private prefix: Promise<ort.InferenceSession> | null = null;

  constructor(
    private readonly plan: TrainingPlan,
    private readonly dataset: Dataset,
    private readonly opts: { batchSize: number; scratchDir: string; device: Device },
  ) {}

  get cached(): boolean {
    return this.plan.prefix !== null;
  }

  /** `onProgress(done, total)`: samples cached so far (only when there is a prefix to cache). */
  async open(split: Split, onProgress?: (done: number, total: number) => void): Promise<Feeder> {
    const { plan, dataset } = this;
    if (!plan.prefix) {
      const input = plan.step.dataInputs[0];
      return {
        size: dataset.size(split),
        batch: async (indices, epoch) => {
          const b = await dataset.getBatch(split, indices, { epoch });
          return { feeds: { [input]: toOrt({ data: b.x, dims: b.shape }) }, labels: b.labels, ids: b.ids, indices: b.indices };
        },
        dispose: () => {},
      };
    }
    const prefix = plan.prefix;
    this.prefix ??= createPlannedSession(plan, prefix, this.opts.device);
    const { store, labels, ids, indices: rows } = await FeatureStore.build(await this.prefix, dataset, split, plan.frontier, {
      batchSize: Math.max(this.opts.batchSize, 64),
      budgetBytes: FEATURE_BUDGET,
      scratchDir: this.opts.scratchDir,
      dataInput: plan.dataInput,
      ...(onProgress ? { onProgress } : {}),
    });
    const per = (dataset.info.targetShape ?? []).reduce((a, b) => a * b, 1);
    return {
      size: store.count,
      batch: async (indices) => ({ feeds: store.batch(indices), labels: pick(labels, indices, per), ids: indices.map((i) => ids[i]), indices: indices.map((i) => rows[i]) }),
      dispose: () => store.dispose(),
    };
  }

  async release(): Promise<void> {
    if (this.prefix) await (await this.prefix).release();
    this.prefix = null;
  }
}

/** The evaluation graph's outputs over a whole split, on `weights`. */
export async function predict(
  session: ort.InferenceSession,
  plan: TrainingPlan,
  feed: Feeder,
  weights: ReadonlyMap<string, OwnedTensor>,
  batchSize: number,
  regression: boolean,
  onProgress?: (done: number, total: number) => void,
): Promise<Predictions> {
  const p: Predictions = { outputs: [], width: 0, labels: [], ids: [], indices: [], regression };
  for (let start = 0; start < feed.size; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, feed.size - start) }, (_, i) => start + i);
    const b = await feed.batch(indices, 0);
    const feeds = { ...b.feeds };
    for (const n of plan.evaluation.params) feeds[n] = toOrt(weights.get(n)!);
    const out = (await session.run(feeds))[plan.evaluation.prediction];
    p.width = out.dims.slice(1).reduce((a, c) => a * Number(c), 1);
    p.outputs.push(out.data as Float32Array);
    p.labels.push(b.labels);
    p.ids.push(...b.ids);
    p.indices.push(...b.indices);
    onProgress?.(start + indices.length, feed.size);
  }
  return p;
}
