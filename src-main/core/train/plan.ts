// The training plan (DESIGN.md, "The training plan"): one pure function turns (model, edit
// records, run options) into everything a run executes. The model is decoded once by the
// caller; here the edits are replayed on a clone, shapes inferred and blocks built once, and
// the frozen prefix, the compiled step and the evaluation graph are derived as Graph -> Graph
// passes on clones. The node layer only executes the plan.
import { GraftError } from '../errors.js';
import type { Dim, Graph } from '../ir/graph.js';
import { cloneGraph } from '../ir/clone.js';
import { modelWithGraph } from '../ir/proto.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { countParams, nodeParameters, paramsOfBlocks, parameterValues } from '../blocks/index.js';
import { controlFlowParams, totalParams } from '../blocks/subgraphs.js';
import { modelOpset } from '../shape/infer.js';
import type { Edit } from '../surgery/edits.js';
import { editedModel, replayEdits } from '../surgery/apply.js';
import { CLASS_NAMES_KEY, metadataValue } from '../surgery/metadata.js';
import { removeTrailingSoftmax } from '../surgery/softmax.js';
import { type CompiledStepGraph, compileStepGraph, withDefaultOpset } from './compile.js';
import { type EvalGraph, evalGraphOf } from './eval-graph.js';
import type { LossKind } from './loss.js';
import type { Optimizer } from './optimizer.js';
import { reinitializeParameters } from './reinit.js';
import { relaxFixedBatch } from './relax-batch.js';
import { type BatchNormMode, batchNormCount, batchNormNote, inferenceBatchNorms } from './batch-stats.js';
import { type FrontierValue, splitPrefixGraph } from './split.js';

export interface PlanOptions {
  /** What trains and how the model is changed: the only language for it. */
  edits: readonly Edit[];
  /** From scratch: the same architecture, every weight re-initialised with `seed`. */
  reinit: boolean;
  seed: number;
  /** Cut off the frozen prefix so its outputs can be cached. */
  cache: boolean;
  loss: LossKind;
  optimizer: Optimizer | null;
  clipNorm?: number;
  /** Learning-rate multiplier per block path (discriminative learning rates). */
  lrMultipliers?: Readonly<Record<string, number>>;
  /** Batch norm on running statistics, or (in the trainable part) on each batch's own; default frozen. */
  batchnorm?: BatchNormMode;
}

/** A graph the plan made, with the default-domain opset it declares. */
export interface PlannedGraph {
  graph: Graph;
  opset: number;
}

export interface TrainingPlan {
  /** The model's opsets and metadata (class names as the edits left them) for every graph below. */
  base: ModelProto;
  /** The edited inference graph, softmax kept: export writes the trained weights into it. */
  exported: PlannedGraph;
  /** Data -> frozen frontier, run once per sample; null when nothing is cached. */
  prefix: PlannedGraph | null;
  frontier: FrontierValue[];
  step: CompiledStepGraph & PlannedGraph;
  evaluation: Omit<EvalGraph, 'model'> & PlannedGraph;
  /** The model's own (first) data input. */
  dataInput: string;
  trainable: Set<string>;
  /** Top-level blocks holding a trained parameter. */
  trainableBlocks: string[];
  /** Parameter -> top-level block path, for per-block gradient norms. */
  blockOfParam: Map<string, string>;
  totalParams: number;
  /** The class names the edited model carries in its metadata. */
  classNames: string[] | null;
  /** The trailing softmax removed for training, which the exported model keeps. */
  softmax: 'Softmax' | 'LogSoftmax' | null;
  /** The training graph's prediction shape (the head's width is its last dim). */
  outputShape: Dim[] | null;
  edits: Edit[];
  log: string[];
  /**
   * The model's own graph (no edits) with its fixed batch relaxed, when that rewrote targets:
   * what node/train/batch-check.ts runs against the file before training. Null otherwise.
   */
  relaxedOriginal: Graph | null;
}

/** `g` as a model: the plan's opsets and metadata around it. */
export function plannedModel(plan: Pick<TrainingPlan, 'base'>, g: PlannedGraph): ModelProto {
  return withDefaultOpset(modelWithGraph(plan.base, g.graph), g.opset);
}

/** `graph` is `model` decoded; neither is modified. */
export function planTraining(model: ModelProto, graph: Graph, opts: PlanOptions): TrainingPlan {
  const opset = modelOpset(model);
  const dataInput = graph.dataInputs[0];
  if (!dataInput) throw new GraftError('train-input', 'the model has no data input');
  const edited = cloneGraph(graph);
  const relaxed = relaxFixedBatch(edited, opset);
  const relaxedOriginal = relaxed.rewritten.length > 0 ? cloneGraph(edited) : null;
  const replayed = replayEdits(edited, opset, opts.edits, metadataValue(model, CLASS_NAMES_KEY) !== null);
  const log = [...relaxed.log, ...replayed.log];
  // Export and evaluation run batch norm on running statistics: a training export's marks go.
  const marked = inferenceBatchNorms(edited);
  if (marked > 0) log.push(`${marked} BatchNormalization node${marked === 1 ? ' was' : 's were'} exported in training mode: the exported model runs ${marked === 1 ? 'it' : 'them'} on running statistics`);
  if (opts.reinit) {
    reinitializeParameters(edited, opts.seed);
    log.push('all parameters re-initialised (training from scratch)');
  }
  const base = editedModel(model, { ...replayed, graphChanged: false });

  // Training needs logits: a trailing softmax comes out (and stays in the exported model).
  const forward = cloneGraph(edited);
  const removed = removeTrailingSoftmax(forward, opset);
  if (removed) log.push(`remove-softmax: ${removed.op} (axis ${removed.axis}) removed; the output now carries the logits`);

  const { tree, trainable } = replayed;
  const inBodies = controlFlowParams(edited).reduce((n, e) => n + e.subgraphs.reduce((t, s) => t + totalParams(s), 0), 0);
  if (inBodies > 0) log.push(`${inBodies} parameters inside If/Loop bodies stay frozen: training through control flow is not supported`);
  const blockOfParam = new Map<string, string>();
  for (const node of edited.nodes) {
    const top = (tree.blockOfNode.get(node.id) ?? '').split('/')[0] || 'model';
    for (const p of nodeParameters(node)) if (!blockOfParam.has(p.name)) blockOfParam.set(p.name, top);
  }
  const lrMultipliers = new Map<string, number>();
  for (const [block, mult] of Object.entries(opts.lrMultipliers ?? {})) {
    for (const p of paramsOfBlocks(edited, tree, [block])) lrMultipliers.set(p, mult);
  }

  const suffix = cloneGraph(forward);
  const split = opts.cache ? splitPrefixGraph(suffix, trainable) : { prefix: null, frontier: [], suffix };
  const stepGraph = cloneGraph(split.suffix);
  const compiled = compileStepGraph(stepGraph, opset, {
    trainable,
    loss: opts.loss,
    optimizer: opts.optimizer,
    clipNorm: opts.clipNorm,
    lrMultipliers,
    batchnorm: opts.batchnorm,
  });
  const bn = batchNormNote(opts.batchnorm ?? 'frozen', compiled.step.batchNorms.total + (split.prefix ? batchNormCount(split.prefix) : 0), compiled.step.batchNorms.batch);
  if (bn) log.push(bn);
  // The evaluation graph reads what the step trains, on the weights (and running statistics) the step produced.
  const evaluation = evalGraphOf(split.suffix, new Set([...compiled.step.params, ...compiled.step.runningStats]));

  const meta = metadataValue(base, CLASS_NAMES_KEY);
  return {
    base,
    exported: { graph: edited, opset },
    prefix: split.prefix ? { graph: split.prefix, opset } : null,
    frontier: split.frontier,
    step: { ...compiled.step, graph: stepGraph, opset: compiled.opset },
    evaluation: { ...evaluation, graph: split.suffix, opset },
    dataInput: dataInput.name,
    trainable,
    trainableBlocks: [...new Set([...trainable].map((p) => blockOfParam.get(p) ?? 'model'))],
    blockOfParam,
    totalParams: countParams(parameterValues(forward)),
    classNames: meta ? (JSON.parse(meta) as string[]) : null,
    softmax: removed?.op ?? null,
    outputShape: forward.outputs[0]?.type?.shape ?? null,
    edits: [...opts.edits],
    log,
    relaxedOriginal,
  };
}
