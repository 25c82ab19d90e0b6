// The Softmax/LogSoftmax between the logits and the model output. Training needs the logits
// (the loss applies its own log-softmax), export needs the probabilities back: removal
// returns a record from which restoreSoftmax rebuilds the same computation.
import { GraftError } from '../errors.js';
import { matchHead } from '../blocks/index.js';
import { getInt } from '../ir/attributes.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { LATEST_OPSET } from '../shape/infer.js';
import { Emitter } from '../ir/emitter.js';

export interface RemovedSoftmax {
  /** Explicit, so restoring does not depend on the opset's default (1 before 13, -1 after). */
  axis: number;
  op: 'Softmax' | 'LogSoftmax';
  /** The node's and the logits' names in the original, to restore the graph as it was. */
  nodeName?: string;
  logitsName?: string;
}

/** Ops between the softmax and the output that do not change the shape. */
const SHAPE_KEEPING = new Set(['Identity', 'Dropout']);

function trailingSoftmax(graph: Graph): Node | null {
  let v: Value | null = graph.outputs[0] ?? null;
  for (let hops = 0; v?.producer && hops < 16; hops++) {
    const p: Node = v.producer;
    if (p.opType === 'Softmax' || p.opType === 'LogSoftmax') return p;
    if (!SHAPE_KEEPING.has(p.opType)) return null;
    v = p.input(0);
  }
  return null;
}

/**
 * Removes the softmax that produces the first graph output (directly or through Identity or
 * Dropout); the output keeps its name and now carries the logits. Returns null when there is
 * none; throws when there is one that cannot be taken out without changing other results.
 */
export function removeTrailingSoftmax(graph: Graph, opset = LATEST_OPSET): RemovedSoftmax | null {
  const node = trailingSoftmax(graph);
  if (!node) {
    const deeper = matchHead(graph)?.softmax;
    if (deeper) {
      throw new GraftError('softmax-unsupported', `softmax "${deeper.id}" is followed by reshaping ops before the output; only a softmax at the end can be removed`);
    }
    return null;
  }
  const logits = node.input(0);
  const probs = node.output(0);
  if (!logits || !probs) throw new GraftError('softmax-unsupported', `softmax "${node.id}" has no input or output`);
  if (logits.isGraphOutput) {
    throw new GraftError('softmax-unsupported', `softmax "${node.id}": its input "${logits.name}" is already a model output; the logits are available as they are`);
  }
  const readers = probs.uses.length + (probs.isGraphOutput ? 1 : 0);
  if (readers !== 1) {
    throw new GraftError('softmax-unsupported', `softmax "${node.id}": its output "${probs.name}" is read ${readers} times; removing it would change the other readers`);
  }
  const op = node.opType as RemovedSoftmax['op'];
  const removed: RemovedSoftmax = { axis: getInt(node, 'axis', opset >= 13 ? -1 : 1), op, nodeName: node.name, logitsName: logits.name };
  const outputName = probs.isGraphOutput ? probs.name : null;
  graph.replaceAllUsesWith(probs, logits);
  graph.removeNode(node);
  if (outputName) graph.renameValue(logits, outputName);
  return removed;
}

/** Puts the removed softmax back on the first graph output, which keeps its name. */
export function restoreSoftmax(graph: Graph, removed: RemovedSoftmax, opset = LATEST_OPSET): void {
  const logits = graph.outputs[0];
  if (!logits) throw new GraftError('softmax-unsupported', `graph "${graph.name}" has no output to restore the ${removed.op} on`);
  const outputName = logits.name;
  graph.renameValue(logits, graph.uniqueName(removed.logitsName && removed.logitsName !== outputName ? removed.logitsName : `${outputName}_logits`));
  const probs = new Emitter(graph, opset, { outputs: 'exporter' }).op(removed.op, [logits], { axis: removed.axis }, removed.nodeName);
  probs.type = logits.type && { ...logits.type };
  // Only the output moves: other readers of the logits (an argmax, a second output) keep them.
  graph.outputs = graph.outputs.map((o) => (o === logits ? probs : o));
  graph.renameValue(probs, outputName);
}
