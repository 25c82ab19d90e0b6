// The run's model: the user's edits as surgery records (head swap, softmax removal, freezing),
// replayed on the original; the same records without the softmax removal give the form that
// is exported.
import type { TrainConfig } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import type { ModelProto } from '../../core/onnx/gen/onnx_pb.js';
import { buildBlockTree, paramsOfBlocks } from '../../core/blocks/index.js';
import { nodeParameters } from '../../core/blocks/params.js';
import { graphFromModel, modelWithGraph } from '../../core/ir/proto.js';
import { inferShapes, modelOpset } from '../../core/shape/infer.js';
import { reinitializeParameters } from '../../core/train/reinit.js';
import { applyEdits, type Edit, removeTrailingSoftmax } from '../../core/surgery/index.js';

export interface PreparedModel {
  /** What training runs: edited, without a trailing softmax. */
  model: ModelProto;
  /** What export writes the trained weights into: edited, softmax kept. */
  exportModel: ModelProto;
  trainable: Set<string>;
  trainableBlocks: string[];
  /** Parameter -> top-level block path, for per-block gradient norms. */
  blockOfParam: Map<string, string>;
  lrMultipliers: Map<string, number>;
  classNames: string[] | null;
  /** The trailing softmax removed for training, which the exported model keeps. */
  softmax: 'Softmax' | 'LogSoftmax' | null;
  edits: Edit[];
  log: string[];
}

function editsFor(config: TrainConfig, classes: string[] | null): Edit[] {
  if (config.edits) return [...config.edits];
  const edits: Edit[] = [];
  if (config.swapCell) edits.push({ kind: 'swap-cell', cell: config.swapCell, seed: config.seed });
  if (config.head !== null) {
    const k = config.head === 'auto' ? classes?.length : config.head;
    if (k === undefined) throw new GraftError('train-head', '--head auto needs a classification dataset (its classes give the head size)');
    edits.push({
      kind: 'swap-head',
      classes: k,
      seed: config.seed,
      ...(config.headHidden ? { hidden: config.headHidden, dropout: 0.2 } : {}),
      ...(classes && classes.length === k ? { classNames: classes } : {}),
    });
  }
  const s = config.strategy;
  if (s === 'feature-extraction') edits.push({ kind: 'freeze-preset', preset: 'feature-extraction' });
  else if (s === 'fine-tune') edits.push({ kind: 'freeze-preset', preset: 'fine-tune', stages: config.fineTuneStages });
  else if (s === 'full' || s === 'scratch') edits.push({ kind: 'freeze-preset', preset: 'full' });
  else edits.push({ kind: 'freeze-preset', preset: 'feature-extraction' }, { kind: 'unfreeze', blocks: s.blocks });
  return edits;
}

export function prepareModel(original: ModelProto, config: TrainConfig, classes: string[] | null): PreparedModel {
  const edits = editsFor(config, classes);
  let exported = applyEdits(original, edits);
  // Training needs logits: a trailing softmax comes out (and stays in the exported model).
  const hasSoftmax = removeTrailingSoftmax(graphFromModel(exported.model)) !== null;
  let training = hasSoftmax ? applyEdits(original, [...edits, { kind: 'remove-softmax' }]) : exported;
  const log = [...training.log];
  if (config.strategy === 'scratch') {
    // Same architecture, fresh weights: the baseline that transfer learning must beat.
    const fresh = (m: ModelProto) => {
      const g = graphFromModel(m);
      reinitializeParameters(g, config.seed);
      return modelWithGraph(m, g);
    };
    training = { ...training, model: fresh(training.model) };
    exported = { ...exported, model: fresh(exported.model) };
    log.push('all parameters re-initialised (training from scratch)');
  }

  const graph = graphFromModel(training.model);
  inferShapes(graph, { opset: modelOpset(training.model) });
  const tree = buildBlockTree(graph);
  const blockOfParam = new Map<string, string>();
  for (const node of graph.nodes) {
    const top = (tree.blockOfNode.get(node.id) ?? '').split('/')[0] || 'model';
    for (const p of nodeParameters(node)) if (!blockOfParam.has(p.name)) blockOfParam.set(p.name, top);
  }
  const trainableBlocks = [...new Set([...training.trainable].map((p) => blockOfParam.get(p) ?? 'model'))];
  const lrMultipliers = new Map<string, number>();
  for (const [block, mult] of Object.entries(config.lrMultipliers)) {
    for (const p of paramsOfBlocks(graph, tree, [block])) lrMultipliers.set(p, mult);
  }
  const meta = training.model.metadataProps.find((m) => m.key === 'class_names');
  return {
    model: training.model,
    exportModel: exported.model,
    trainable: training.trainable,
    trainableBlocks,
    blockOfParam,
    lrMultipliers,
    classNames: meta ? (JSON.parse(meta.value) as string[]) : classes,
    softmax: training.removedSoftmax?.op ?? null,
    edits,
    log,
  };
}
