// Replaying edit records. Every call starts again from the original model, so undo is "drop
// the last edit" and a project file is the list of edits: the same list gives the same bytes.
import { GraftError, isGraftError } from '../errors.js';
import { type BlockTree, buildBlockTree, paramsOfBlocks, parameterValues } from '../blocks/index.js';
import type { Graph } from '../ir/graph.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { inferShapes, modelOpset } from '../shape/infer.js';
import { type Edit, checkEdit } from './edits.js';
import { insertDropoutAfter } from './dropout.js';
import { frozenBlockPaths, presetFrozen } from './freeze.js';
import { CLASS_NAMES_KEY, metadataValue, withMetadata } from './metadata.js';
import { type RemovedSoftmax, removeTrailingSoftmax } from './softmax.js';
import { swapHead } from './swap-head.js';
import { recurrentNodes, swapCell } from './swap-cell.js';

/** Replaying on a graph in place: what the graph became and what trains. */
export interface ReplayedGraph {
  /** The edited graph (the one passed in), sorted and with shapes inferred. */
  graph: Graph;
  /** Its block tree, built after the last edit. */
  tree: BlockTree;
  trainable: Set<string>;
  frozenBlocks: string[];
  log: string[];
  removedSoftmax: RemovedSoftmax | null;
  /** True when an edit changed the graph (not only what trains). */
  graphChanged: boolean;
  /** The `class_names` metadata to write: undefined = keep the model's, null = remove it. */
  classNames: string | null | undefined;
}

export interface SurgeryResult {
  /** The edited inference graph; the very object passed in when no edit changed the model. */
  model: ModelProto;
  /** Names of the parameters training may change. */
  trainable: Set<string>;
  /** The outermost fully frozen blocks: a block is frozen when it or an ancestor is listed. */
  frozenBlocks: string[];
  /** One line per edit, for the history panel. */
  log: string[];
  /** The softmax a remove-softmax edit took out, for restoreSoftmax at export. */
  removedSoftmax: RemovedSoftmax | null;
}

/** What replaying has built so far. */
class Replay {
  readonly graph: Graph;
  readonly opset: number;
  frozen = new Set<string>();
  graphChanged = false;
  /** undefined: untouched; null: removed (it described the old head). */
  classNames: string | null | undefined = undefined;
  removedSoftmax: RemovedSoftmax | null = null;
  readonly log: string[] = [];
  private cachedTree: BlockTree | null = null;

  constructor(
    graph: Graph,
    opset: number,
    /** Whether the model carries `class_names` metadata (a new head makes it stale). */
    private readonly hadClassNames: boolean,
  ) {
    this.graph = graph;
    this.opset = opset;
    // The tree is built on inferred shapes, as the studio's view builds it: block paths in
    // freeze edits mean what the user saw.
    inferShapes(graph, { opset });
  }

  get tree(): BlockTree {
    return (this.cachedTree ??= buildBlockTree(this.graph));
  }

  graphEdited(): void {
    this.graphChanged = true;
    this.cachedTree = null;
  }

  apply(edit: Edit): void {
    switch (edit.kind) {
      case 'freeze':
      case 'unfreeze': {
        const names = paramsOfBlocks(this.graph, this.tree, edit.blocks);
        for (const n of names) {
          if (edit.kind === 'freeze') this.frozen.add(n);
          else this.frozen.delete(n);
        }
        this.log.push(`${edit.kind}: ${edit.blocks.map((b) => `"${b}"`).join(', ')} (${names.size} parameters)`);
        return;
      }
      case 'freeze-preset': {
        const stages = edit.stages ?? 1;
        const { frozen, trained } = presetFrozen(this.graph, this.tree, edit.preset, stages);
        this.frozen = frozen;
        const what = edit.preset === 'full' ? 'everything trainable' : edit.preset === 'none' ? 'everything frozen' : `training ${trained.map((b) => `"${b}"`).join(', ')}`;
        this.log.push(`freeze-preset: ${edit.preset}${edit.preset === 'fine-tune' ? ` (${stages} stages)` : ''}, ${what}`);
        return;
      }
      case 'swap-head': {
        const out = swapHead(this.graph, this.tree, { ...edit, opset: this.opset });
        // A new head starts trainable, even where it reuses the old head's names.
        for (const n of out.newParams) this.frozen.delete(n);
        this.graphEdited();
        this.log.push(out.log);
        if (edit.classNames) this.classNames = JSON.stringify(edit.classNames);
        else if (this.hadClassNames || this.classNames) {
          this.classNames = null;
          this.log.push('swap-head: the old class names no longer apply and were removed from the metadata');
        }
        return;
      }
      case 'remove-softmax': {
        const removed = removeTrailingSoftmax(this.graph, this.opset);
        if (!removed) {
          throw new GraftError('no-softmax', `the first output "${this.graph.outputs[0]?.name ?? '(none)'}" is not computed by a Softmax or LogSoftmax`);
        }
        this.removedSoftmax = removed;
        this.graphEdited();
        this.log.push(`remove-softmax: ${removed.op} (axis ${removed.axis}) removed; the output now carries the logits`);
        return;
      }
      case 'insert-dropout': {
        this.log.push(insertDropoutAfter(this.graph, this.tree, edit.after, edit.ratio, this.opset));
        this.graphEdited();
        return;
      }
      case 'swap-cell': {
        let id = edit.node;
        if (id === undefined) {
          const found = recurrentNodes(this.graph);
          if (found.length !== 1) throw new GraftError('edit-invalid', `the model has ${found.length} recurrent nodes; say which one with "node"`);
          id = found[0].id;
        }
        const out = swapCell(this.graph, id, edit, this.opset);
        for (const n of out.newParams) this.frozen.delete(n);
        this.graphEdited();
        this.log.push(out.log);
        return;
      }
    }
  }

  result(): ReplayedGraph {
    if (this.graphChanged) {
      this.graph.topologicalSort();
      // Fresh types, so the saved outputs declare the new shapes ([N, 1000] -> [N, K]).
      inferShapes(this.graph, { opset: this.opset });
    }
    const params = parameterValues(this.graph).map((v) => v.name);
    const frozen = new Set(params.filter((n) => this.frozen.has(n)));
    return {
      graph: this.graph,
      tree: this.tree,
      trainable: new Set(params.filter((n) => !frozen.has(n))),
      frozenBlocks: frozenBlockPaths(this.graph, this.tree, frozen),
      log: this.log,
      removedSoftmax: this.removedSoftmax,
      graphChanged: this.graphChanged,
      classNames: this.classNames,
    };
  }
}

/**
 * Applies `edits` in order to `graph`, in place, at `opset`. Throws a GraftError naming the
 * edit (1-based) that failed and why. `hadClassNames`: the model's metadata lists class names.
 */
export function replayEdits(graph: Graph, opset: number, edits: readonly Edit[], hadClassNames: boolean): ReplayedGraph {
  edits.forEach((e, i) => checkEdit(e, i));
  const replay = new Replay(graph, opset, hadClassNames);
  edits.forEach((edit, i) => {
    try {
      replay.apply(edit);
    } catch (e) {
      if (isGraftError(e) && !e.message.startsWith('edit ')) throw new GraftError(e.code, `edit ${i + 1} (${edit.kind}): ${e.message}`);
      throw e;
    }
  });
  return replay.result();
}

/** The model `replayEdits` made: the graph saved back, and the class-names metadata. */
export function editedModel(base: ModelProto, replayed: ReplayedGraph): ModelProto {
  const model = replayed.graphChanged ? modelWithGraph(base, replayed.graph) : base;
  return replayed.classNames === undefined ? model : withMetadata(model, CLASS_NAMES_KEY, replayed.classNames);
}

/**
 * Applies `edits` in order to `model` (which is not modified). Throws a GraftError naming
 * the edit (1-based) that failed and why.
 */
export function applyEdits(model: ModelProto, edits: readonly Edit[]): SurgeryResult {
  const replayed = replayEdits(graphFromModel(model), modelOpset(model), edits, metadataValue(model, CLASS_NAMES_KEY) !== null);
  const { trainable, frozenBlocks, log, removedSoftmax } = replayed;
  return { model: editedModel(model, replayed), trainable, frozenBlocks, log, removedSoftmax };
}
