// The training-step compiler (DESIGN.md, "The one idea"): forward graph + trainable set +
// loss + optimizer become ONE ordinary ONNX graph that onnxruntime runs as inference.
//
//   inputs:  data, target, each trainable parameter, optimizer state, lr, step
//   outputs: loss, prediction, updated parameters and state, per-parameter gradient norms
//            (or the raw gradients, when compiled without an optimizer)
import { GraftError } from '../errors.js';
import { DataType } from '../onnx/dtype.js';
import type { ModelProto, TensorProto } from '../onnx/gen/onnx_pb.js';
import { tensorDims } from '../onnx/tensor.js';
import type { Graph, Value } from '../ir/graph.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { parameterValues } from '../blocks/params.js';
import { inferShapes, modelOpset } from '../shape/infer.js';
import { buildBackward } from '../autodiff/backward.js';
import { Emitter } from '../ir/emitter.js';
import { crossEntropy, type LossKind, meanSquaredError } from './loss.js';
import type { Optimizer } from './optimizer.js';
import { untieTrainable } from './untie.js';
import { lowerRecurrent } from '../recurrent/index.js';
import { type BatchNormMode, batchNormCount, inferenceBatchNorms, rewriteBatchStatistics, trainableRegionBatchNorms } from './batch-stats.js';

export interface TrainingStepOptions {
  /** Initializer names to train; every parameter when 'all'. */
  trainable: 'all' | ReadonlySet<string>;
  loss: LossKind;
  /** Which graph output the loss reads; the first output by default. */
  prediction?: string;
  /** null: compile a gradient graph that outputs dLoss/dparam for each trainable parameter. */
  optimizer: Optimizer | null;
  /** Global-norm gradient clipping (PyTorch's clip_grad_norm_), applied before the update. */
  clipNorm?: number;
  /** Learning-rate multiplier per parameter name (discriminative learning rates); default 1. */
  lrMultipliers?: ReadonlyMap<string, number>;
  /** Batch norm on running statistics (default) or, in the trainable part, on each batch's own (batch-stats.ts). */
  batchnorm?: BatchNormMode;
}

/** Names of the compiled step's inputs and outputs, for the code that feeds and reads it. */
export interface CompiledStep {
  model: ModelProto;
  /** The first data input; `dataInputs` lists all (a split suffix may read several). */
  data: string;
  dataInputs: string[];
  target: string;
  /** Trainable parameters, in initializer order: the names are inputs, and the original names. */
  params: string[];
  /** Their values in the model (untied copies included): what the first step is fed. */
  initialParams: Map<string, TensorProto>;
  /** Optimizer state inputs per parameter, with their shapes (start them at zero). */
  state: { param: string; name: string; dims: number[] }[];
  lr: string | null;
  step: string | null;
  loss: string;
  prediction: string;
  /** Per parameter: its gradient output (without optimizer) or its updated value (with one). */
  gradOutputs: Map<string, string>;
  updatedParams: Map<string, string>;
  updatedState: Map<string, string>;
  /** Per parameter: the L2 norm of its gradient (before clipping). */
  gradNorms: Map<string, string>;
  globalGradNorm: string;
  /** With clipping: the global norm of the gradient the update uses, min(norm, clipNorm); else null. */
  clippedGradNorm: string | null;
  /** Per recurrent layer and direction: an output [T] holding ||dLoss/dh_t|| for t = 0..T-1. */
  gradientFlow: { nodeId: string; cell: string; direction: string; steps: number; output: string }[];
  /** Parameters that Identity nodes had tied to another one; now each has its own copy. */
  untied: string[];
  /** BatchNormalization nodes in the graph, and how many of them use batch statistics. */
  batchNorms: { total: number; batch: number };
  /** Running statistics of batch-statistics BNs: inputs (the initializers' names), fed back each step. */
  runningStats: string[];
  initialRunningStats: Map<string, TensorProto>;
  /** Per running statistic: the output holding its value after this step. */
  updatedRunningStats: Map<string, string>;
}

const MIN_OPSET = 9;

function classesOf(prediction: Value): number {
  const shape = prediction.type?.shape;
  const c = shape?.[1];
  if (!shape || shape.length !== 2 || typeof c !== 'number') {
    throw new GraftError('train-loss', `cross-entropy needs a prediction of shape [N, classes]; output "${prediction.name}" has ${shape ? `[${shape.join(', ')}]` : 'an unknown shape'}`);
  }
  return c;
}

/** Turns trainable initializers into graph inputs: the step reads them and writes them back. */
function liftToInputs(graph: Graph, params: Value[]): void {
  for (const p of params) {
    p.type = { elemType: p.initializer!.dataType, shape: tensorDims(p.initializer!) };
    p.initializer = null;
    if (!p.isGraphInput) graph.inputs.push(p);
  }
  const lifted = new Set(params.map((p) => p.name));
  graph.initializerOrder = graph.initializerOrder.filter((n) => !lifted.has(n));
}

/**
 * Gradients do not go through If/Loop/Scan: their bodies are subgraphs the rules cannot see
 * into, and a trainable value read inside one (often implicitly, from the enclosing scope)
 * would silently get a zero gradient. Refused, naming the node and what to freeze instead.
 */
function refuseControlFlow(params: Value[]): void {
  const seen = new Set<Value>(params);
  const stack = [...params];
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const node of [...v.uses.map((u) => u.node), ...v.implicitUses]) {
      if (node.attributes.some((a) => a.g || a.graphs.length > 0)) {
        throw new GraftError(
          'train-control-flow',
          `training through control flow is not supported: node "${node.id}" (${node.opType}) runs subgraphs on values computed from trainable parameters; freeze everything before it and train only what comes after it (e.g. feature extraction)`,
        );
      }
      for (const o of node.outputs) if (o && !seen.has(o)) {
        seen.add(o);
        stack.push(o);
      }
    }
  }
}

/**
 * The opset the training graph declares. From 13 to 15 it is raised to 16, where
 * ScatterElements can add (MaxPool's backward is ~40% faster with it); no op a forward graph
 * uses changes meaning between them, except RoiAlign's default coordinate mode.
 */
function trainingOpset(graph: Graph, opset: number): number {
  const raise = opset >= 13 && opset < 16 && !graph.nodes.some((n) => n.opType === 'RoiAlign');
  return raise ? 16 : opset;
}

/** `model` declaring `version` of the default ONNX domain. */
export function withDefaultOpset(model: ModelProto, version: number): ModelProto {
  const opsetImport = model.opsetImport.map((o) =>
    o.domain === '' || o.domain === 'ai.onnx' ? Object.assign(Object.create(Object.getPrototypeOf(o)), o, { version: BigInt(version) }) : o,
  );
  return Object.assign(Object.create(Object.getPrototypeOf(model)), model, { opsetImport }) as ModelProto;
}

export function compileTrainingStep(model: ModelProto, opts: TrainingStepOptions): CompiledStep {
  const graph = graphFromModel(model, 'training step');
  const { step, opset } = compileStepGraph(graph, modelOpset(model), opts);
  return { ...step, model: withDefaultOpset(modelWithGraph(model, graph), opset) };
}

/** A compiled step as a graph: the names, and the graph with the opset it declares. */
export type CompiledStepGraph = Omit<CompiledStep, 'model'>;

/**
 * Compiles the step into `graph` itself (pass a clone to keep the forward graph): the
 * forward graph at the model's `modelOpsetVersion` becomes the step, which declares `opset`.
 */
export function compileStepGraph(graph: Graph, modelOpsetVersion: number, opts: TrainingStepOptions): { step: CompiledStepGraph; opset: number } {
  if (modelOpsetVersion < MIN_OPSET) {
    throw new GraftError('train-opset', `training needs ONNX opset ${MIN_OPSET} or newer; this model uses opset ${modelOpsetVersion}`);
  }
  inferShapes(graph, { opset: modelOpsetVersion });
  const opset = trainingOpset(graph, modelOpsetVersion);
  inferenceBatchNorms(graph);

  const untied = untieTrainable(graph, opts.trainable);
  // A trainable shared initializer makes all its copies trainable.
  const trainable = opts.trainable === 'all' ? 'all' : new Set([...opts.trainable, ...untied.created]);
  const all = parameterValues(graph);
  if (trainable !== 'all') {
    const known = new Set([...all.map((p) => p.name), ...untied.sources]);
    // Only the names asked for: an untied copy whose reader is no parameter slot (torch merges
    // a zero conv bias with the zero biases of decomposed LayerNorms) is not trained, not an error.
    const unknown = [...opts.trainable].filter((n) => !known.has(n));
    if (unknown.length > 0) throw new GraftError('train-params', `not parameters of this model: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''}`);
  }
  const params = trainable === 'all' ? all : all.filter((p) => trainable.has(p.name));
  if (params.length === 0) throw new GraftError('train-params', 'nothing to train: no parameter is trainable');
  refuseControlFlow(params);

  const batchNorms = { total: batchNormCount(graph), batch: 0 };
  const running = opts.batchnorm === 'batch' ? rewriteBatchStatistics(graph, trainableRegionBatchNorms(graph, params), opset) : [];
  if (running.length > 0) {
    batchNorms.batch = running.length / 2;
    graph.topologicalSort();
    inferShapes(graph, { opset });
  }

  // Fused LSTM/GRU/RNN nodes become unrolled primitive ops that the gradient rules cover.
  // Their W/R/B stay the same values (found above by the fused node's input slots), so
  // training updates the original tensors. Re-infers shapes and re-sorts the graph.
  const recurrent = lowerRecurrent(graph, opset);

  const prediction = opts.prediction ? graph.value(opts.prediction) : graph.outputs[0];
  const dataInputs = graph.dataInputs;
  const initialParams = new Map(params.map((p) => [p.name, p.initializer!]));
  liftToInputs(graph, params);

  const e = new Emitter(graph, opset, 'train/');
  const target = graph.createValue(graph.uniqueName('target'));
  graph.inputs.push(target);
  let lossNodes;
  if (opts.loss === 'cross-entropy') {
    target.type = { elemType: DataType.INT64, shape: [prediction.type?.shape?.[0] ?? 'N'] };
    lossNodes = crossEntropy(e, prediction, target, classesOf(prediction));
  } else {
    target.type = prediction.type ? { ...prediction.type } : null;
    lossNodes = meanSquaredError(e, prediction, target);
  }

  const back = new Emitter(graph, opset, 'grad/');
  const { grads, valueGrads } = buildBackward(graph, back, prediction, lossNodes.seed, params);
  // A parameter the loss does not depend on has a zero gradient (NaN-proof: not p * 0).
  const gradOf = (p: Value): Value => grads.get(p) ?? back.op('ConstantOfShape', [back.shapeOf(p)]);

  const outputs: Value[] = [];
  const expose = (v: Value, name: string): string => {
    const unique = graph.uniqueName(name);
    const out = e.op('Identity', [v]);
    graph.renameValue(out, unique);
    outputs.push(out);
    return unique;
  };
  const loss = expose(lossNodes.loss, 'loss');

  const optim = new Emitter(graph, opset, 'optim/');
  const gradNorms = new Map<string, string>();
  const squares = params.map((p) => {
    const g = gradOf(p);
    const sq = optim.sumAll(optim.op('Mul', [g, g]));
    gradNorms.set(p.name, expose(optim.op('Sqrt', [sq]), `gradnorm/${p.name}`));
    return sq;
  });
  const globalNorm = optim.op('Sqrt', [optim.sum(squares)]);
  const globalGradNorm = expose(globalNorm, 'gradnorm');

  // Gradient flow through time: ||dLoss/dh_t|| for every step t of every recurrent layer.
  const gradientFlow: CompiledStep['gradientFlow'] = [];
  for (const r of recurrent) {
    for (const dir of r.hidden) {
      const norms = dir.states.map((h) => {
        const g = valueGrads.get(h);
        return g ? optim.unsqueeze(optim.op('Sqrt', [optim.sumAll(optim.op('Mul', [g, g]))]), [0]) : optim.float([0], [1]);
      });
      const output = expose(optim.op('Concat', norms, { axis: 0 }), `gradflow/${r.nodeId}/${dir.direction}`);
      gradientFlow.push({ nodeId: r.nodeId, cell: r.cell, direction: dir.direction, steps: r.steps, output });
    }
  }

  const result: CompiledStepGraph = {
    data: dataInputs[0].name,
    dataInputs: dataInputs.map((v) => v.name),
    target: target.name,
    params: params.map((p) => p.name),
    initialParams,
    state: [],
    lr: null,
    step: null,
    loss,
    prediction: prediction.name,
    gradOutputs: new Map(),
    updatedParams: new Map(),
    updatedState: new Map(),
    gradNorms,
    globalGradNorm,
    clippedGradNorm: null,
    gradientFlow,
    untied: untied.created,
    batchNorms,
    runningStats: running.map((r) => r.name),
    initialRunningStats: new Map(running.map((r) => [r.name, r.initial])),
    updatedRunningStats: new Map(running.map((r) => [r.name, expose(r.updated, `updated/${r.name}`)])),
  };

  if (!opts.optimizer) {
    for (const p of params) result.gradOutputs.set(p.name, expose(gradOf(p), `grad/${p.name}`));
  } else {
    const scalar = (name: string) => {
      const v = graph.createValue(graph.uniqueName(name));
      v.type = { elemType: DataType.FLOAT, shape: [] };
      graph.inputs.push(v);
      return v;
    };
    const lr = scalar('lr');
    const step = scalar('step');
    result.lr = lr.name;
    result.step = step.name;
    // clip_grad_norm_: g *= min(1, max_norm / (total_norm + 1e-6))
    const clip = opts.clipNorm !== undefined
      ? optim.op('Min', [optim.float([1]), optim.op('Div', [optim.float([opts.clipNorm]), optim.op('Add', [globalNorm, optim.float([1e-6])])])])
      : null;
    if (clip) result.clippedGradNorm = expose(optim.op('Mul', [globalNorm, clip]), 'gradnorm/clipped');
    for (const p of params) {
      const g = clip ? optim.op('Mul', [gradOf(p), clip]) : gradOf(p);
      const mult = opts.lrMultipliers?.get(p.name) ?? 1;
      const plr = mult === 1 ? lr : optim.op('Mul', [lr, optim.float([mult])]);
      const stateIn = opts.optimizer.stateNames.map((s) => {
        const v = graph.createValue(graph.uniqueName(`${s}/${p.name}`));
        v.type = p.type ? { ...p.type } : null;
        graph.inputs.push(v);
        result.state.push({ param: p.name, name: v.name, dims: (p.type!.shape as number[]).slice() });
        return v;
      });
      const upd = opts.optimizer.update(optim, { param: p, grad: g, state: stateIn, lr: plr, step });
      result.updatedParams.set(p.name, expose(upd.param, `updated/${p.name}`));
      upd.state.forEach((s, i) => result.updatedState.set(stateIn[i].name, expose(s, `updated/${stateIn[i].name}`)));
    }
  }

  graph.outputs = [prediction, ...outputs];
  graph.topologicalSort();
  return { step: result, opset };
}
