// The Try panel's engine: a trained model's answer for a few dropped images or samples of its
// own data. Runs in a worker process (never the studio's event loop: a session blocks its
// thread), and reads inputs exactly as training did: images through the image-folder decoder
// and the normalisation in the export's metadata, samples through the run's dataset options.
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { TryClass, TryInput, TryPrediction, TryResult } from '../../api/studio-types.js';
import type { DataSpec } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import { channelTables, imagenetMeanStd, normaliseToChw, resolveMeanStd } from '../../core/data/normalisation.js';
import { graphFromModel, modelWithGraph } from '../../core/ir/proto.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { modelOpset } from '../../core/shape/infer.js';
import { removeTrailingSoftmax } from '../../core/surgery/index.js';
import { CLASS_NAMES_KEY, metadataValue } from '../../core/surgery/metadata.js';
import { openDataset } from '../data/index.js';
import { decodeImage } from '../data/image-decode.js';
import { DEFAULT_MAX_PIXELS, probeImage } from '../data/image-probe.js';
import { summariseInput, summariseSequence, tensorImage } from '../data/previews.js';
import type { Dataset, Preprocess } from '../data/types.js';
import { type ModelFile, readModelFile } from '../model-file.js';
import { QUIET_SESSION, runtimeMessage } from '../runtime-errors.js';
import { dataOpenOptions, modelPreprocess, shapedForModel } from '../train/data.js';

export interface TryRequest {
  /** The model file to run: a run's verified export. */
  model: string;
  /** The run's data, for sample inputs. */
  data: DataSpec | null;
  inputs: TryInput[];
  top: number;
}

export type TryAnswer = Omit<TryResult, 'runId' | 'millis'>;

/** What the worker sends back: the answer, or the error that stopped the whole request. */
export type TryReply = { ok: true; answer: TryAnswer } | { ok: false; code: string; message: string };

/** One input as the network receives it, with what a person is shown of it. */
interface Prepared {
  x: Float32Array;
  /** Per sample, without the batch dimension. */
  shape: number[];
  input: string | null;
  inputSummary: string;
  truth: TryPrediction['truth'];
}

/** Probabilities of a row of scores (softmax, shifted by the maximum so exp never overflows). */
export function softmax(scores: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(scores));
  const exps = Array.from(scores, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** The `k` most probable classes, best first (ties keep the lower index first). */
export function topClasses(probabilities: number[], classes: string[] | null, k: number): TryClass[] {
  return probabilities
    .map((probability, index) => ({ index, className: classes?.[index] ?? String(index), probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k);
}

function classNamesOf(file: ModelFile): string[] | null {
  const raw = metadataValue(file.model, CLASS_NAMES_KEY);
  if (!raw) return null;
  try {
    const names = JSON.parse(raw) as unknown;
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : null;
  } catch {
    return null;
  }
}

/** A message about one file that names the file, never the folder it was uploaded to. */
function withoutFolder(message: string, path: string): string {
  return message.split(path).join(basename(path));
}

/** A dropped image, decoded and normalised as the image-folder dataset reads its files. */
async function prepareImage(path: string, pre: Preprocess, inputShape: readonly unknown[]): Promise<Prepared> {
  if (inputShape.length !== 4) {
    throw new GraftError('try-not-image', `this model reads ${inputShape.length === 3 ? 'sequences' : 'rows of a table'} (input ${inputShape.join('×')}), not images: try it on samples of its test split`);
  }
  const probe = await probeImage(path, DEFAULT_MAX_PIXELS);
  if (!probe.ok) throw new GraftError('try-bad-image', `${probe.reason}; the Try panel takes PNG, JPEG, WebP, BMP, GIF or TIFF images`);
  const { channels, height, width } = pre;
  const pixels = await decodeImage(path, probe.header, { channels, height, width, resize: pre.resize, maxPixels: DEFAULT_MAX_PIXELS }, null);
  const ms = resolveMeanStd(channels, pre, imagenetMeanStd(channels));
  const x = normaliseToChw(pixels, height, width, channelTables(ms));
  const shape = [channels, height, width];
  const size = `${probe.header.width}×${probe.header.height} image read as ${width}×${height}${channels === 1 ? ' grey' : ''}`;
  return { x, shape, input: await tensorImage(x, shape, ms.mean, ms.std), inputSummary: `${size}; ${summariseInput(x, shape)}`, truth: null };
}

/** A sample of the run's own data, read as the run read it (split, subset, normalisation). */
async function prepareSample(dataset: Dataset, split: 'train' | 'val' | 'test', index: number): Promise<Prepared> {
  const size = dataset.size(split);
  if (index >= size) throw new GraftError('sample-range', `the ${split} split has ${size} samples; there is no sample ${index}`);
  const b = await dataset.getBatch(split, [index]);
  if (b.failed.length > 0) throw new GraftError('dataset-bad-sample', `this sample cannot be read (${withoutFolder(b.failed[0].reason, dataset.info.root)})`);
  const info = dataset.info;
  const shape = b.shape.slice(1);
  const label = b.labels[0];
  const truth = info.classes ? { index: label, className: info.classes[label] ?? String(label), values: null } : { index: null, className: null, values: [label] };
  const image = shape.length === 3 ? await tensorImage(b.x, shape, info.normalisation.mean, info.normalisation.std) : null;
  const summary = shape.length === 2 ? summariseSequence(b.x, shape[0], shape[1]) : summariseInput(b.x, shape);
  return { x: b.x, shape, input: image, inputSummary: summary, truth };
}

function inputName(input: TryInput): string {
  return input.kind === 'image' ? basename(input.path) : `${input.split} sample ${input.index}`;
}

export async function tryModel(req: TryRequest): Promise<TryAnswer> {
  const file = await readModelFile(req.model);
  // Probabilities come from the scores: a trailing softmax (or log-softmax) is taken off and
  // applied here, so every model reads the same way.
  const graph = graphFromModel(file.model);
  removeTrailingSoftmax(graph, modelOpset(file.model));
  const session = await ort.InferenceSession.create(encodeModel(modelWithGraph(file.model, graph)), { ...QUIET_SESSION, intraOpNumThreads: 2 });
  try {
    const inputShape = file.graph.dataInputs[0]?.type?.shape ?? [];
    const pre = modelPreprocess(file, req.data?.options.seed ?? 0, false);
    let dataset: Dataset | null = null;
    const openData = async (): Promise<Dataset> => {
      if (!req.data) throw new GraftError('try-no-data', 'this run has no dataset to draw samples from');
      dataset ??= shapedForModel(await openDataset(req.data.path, pre, dataOpenOptions(req.data.options)), file);
      return dataset;
    };
    const samplesAsked = req.inputs.some((i) => i.kind === 'sample');
    const task = samplesAsked ? (await openData()).info.task : 'classification';
    const classes = task === 'regression' ? null : (classNamesOf(file) ?? (samplesAsked ? (await openData()).info.classes : null));
    const predictions: TryPrediction[] = [];
    for (const input of req.inputs) {
      const name = inputName(input);
      try {
        const p = input.kind === 'image' ? await prepareImage(input.path, pre, inputShape) : await prepareSample(await openData(), input.split, input.index);
        const out = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', p.x, [1, ...p.shape]) }))[session.outputNames[0]];
        const scores = out.data as Float32Array;
        if (task === 'classification' && classes && scores.length !== classes.length) {
          throw new GraftError('try-output', `the model gives ${scores.length} scores for its ${classes.length} classes`);
        }
        predictions.push({
          name,
          error: null,
          top: task === 'classification' ? topClasses(softmax(scores), classes, req.top) : null,
          values: task === 'regression' ? Array.from(scores) : null,
          truth: p.truth,
          input: p.input,
          inputSummary: p.inputSummary,
        });
      } catch (e) {
        const message = e instanceof GraftError ? e.message : runtimeMessage(e);
        predictions.push({ name, error: input.kind === 'image' ? withoutFolder(message, input.path) : message, top: null, values: null, truth: null, input: null, inputSummary: '' });
      }
    }
    return { task, classes, predictions };
  } finally {
    await session.release();
  }
}
