// One epoch of training steps: shuffle, feed, run the compiled step, swap the buffers, and
// stream what each step measured (loss, learning rate, per-block and global gradient norms,
// gradient flow through time for recurrent layers).
import type * as ort from 'onnxruntime-node';
import type { StepPoint, TrainConfig, TrainEvent } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import type { TrainingPlan } from '../../core/train/plan.js';
import { Batcher } from './batcher.js';
import type { Feeder } from './feeders.js';
import type { Schedule } from '../../core/train/schedules.js';
import { labelsTensor, scalar } from './session.js';
import { seededShuffle } from './shuffle.js';
import type { TrainState } from './train-state.js';

/** A `gradflow` event every this many steps (and on each epoch's last step). */
const GRADFLOW_EVERY = 50;

export interface EpochContext {
  plan: TrainingPlan;
  config: TrainConfig;
  session: ort.InferenceSession;
  /** On a GPU: the same step with its outputs on the host (the other keeps them on the device). */
  hostSession?: ort.InferenceSession;
  feed: Feeder;
  state: TrainState;
  schedule: Schedule;
  targetShape: number[];
  regression: boolean;
  emit(event: TrainEvent): void;
  /** False when the run must stop (waits while paused). */
  mayGoOn(): Promise<boolean>;
  /** Once, after the run's first step (the GPU placement report reads that step's profile). */
  afterFirstStep?(): Promise<void>;
}

export interface EpochResult {
  lossSum: number;
  correct: number;
  seen: number;
  /** The user stopped the run mid-epoch. */
  stopped: boolean;
}

export async function trainEpoch(ctx: EpochContext, epoch: number): Promise<EpochResult> {
  const { plan, config, state, feed } = ctx;
  const step = plan.step;
  const order = seededShuffle(feed.size, config.seed * 1_000_003 + epoch);
  const points = new Batcher<StepPoint>((p) => ctx.emit({ event: 'steps', points: p }));
  // What the loop reads of each step besides the updated parameters and state.
  const reads = [step.loss, step.prediction, ...step.gradNorms.values(), step.globalGradNorm, ...(step.clippedGradNorm ? [step.clippedGradNorm] : []), ...step.gradientFlow.map((f) => f.output)];
  const result: EpochResult = { lossSum: 0, correct: 0, seen: 0, stopped: false };
  for (let start = 0; start < order.length; start += config.batchSize) {
    if (!(await ctx.mayGoOn())) {
      result.stopped = true;
      break;
    }
    const indices = order.slice(start, start + config.batchSize);
    const b = await feed.batch(indices, epoch);
    const stepNo = ++state.stepNo;
    const lr = ctx.schedule(stepNo);
    const io = state.stepIO();
    const feeds = { ...b.feeds, ...io.feeds, [step.target]: labelsTensor(b.labels, [indices.length, ...ctx.targetShape]), [step.lr!]: scalar(lr), [step.step!]: scalar(stepNo) };
    const fetches: Record<string, ort.Tensor | null> = { ...Object.fromEntries(reads.map((name) => [name, null])), ...io.fetches };
    // On a GPU, an epoch's last step brings the parameters to the host, where evaluation,
    // checkpoints and export read them.
    const last = start + config.batchSize >= order.length;
    const out = await (last && ctx.hostSession ? ctx.hostSession : ctx.session).run(feeds, fetches);
    state.swap(out);
    if (stepNo === state.firstStepOfRun) await ctx.afterFirstStep?.();
    const value = (name: string) => (out[name].data as Float32Array)[0];
    const loss = value(step.loss);
    if (!Number.isFinite(loss)) throw new GraftError('train-diverged', `the loss became ${loss} at step ${stepNo} (epoch ${epoch}); lower the learning rate or clip gradients (--clip)`);
    result.lossSum += loss * indices.length;
    result.seen += indices.length;
    if (!ctx.regression) result.correct += countCorrect(out[step.prediction].data as Float32Array, b.labels as Int32Array);
    points.push({ step: stepNo, epoch, loss, lr, gradNorms: blockNorms(plan, (name) => value(name)), globalGradNorm: value(step.globalGradNorm), ...(step.clippedGradNorm ? { clippedGradNorm: value(step.clippedGradNorm) } : {}) });
    if (step.gradientFlow.length > 0 && (stepNo % GRADFLOW_EVERY === 0 || start + config.batchSize >= order.length)) {
      points.flush();
      ctx.emit({
        event: 'gradflow',
        step: stepNo,
        layers: step.gradientFlow.map((f) => ({ nodeId: f.nodeId, cell: f.cell, direction: f.direction, norms: Array.from(out[f.output].data as Float32Array) })),
      });
    }
  }
  points.flush();
  return result;
}

/** The L2 norm of the gradient per top-level block, from the per-parameter norms. */
function blockNorms(plan: TrainingPlan, read: (output: string) => number): Record<string, number> {
  const byBlock: Record<string, number> = {};
  for (const [param, output] of plan.step.gradNorms) {
    const g = read(output);
    const block = plan.blockOfParam.get(param) ?? 'other';
    byBlock[block] = (byBlock[block] ?? 0) + g * g;
  }
  for (const k of Object.keys(byBlock)) byBlock[k] = Math.sqrt(byBlock[k]);
  return byBlock;
}

function countCorrect(logits: Float32Array, labels: Int32Array): number {
  const classes = logits.length / labels.length;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let arg = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + arg]) arg = c;
    if (arg === labels[i]) correct++;
  }
  return correct;
}
