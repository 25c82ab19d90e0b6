// Dropout in the form the model's opset expects: opset 7-11 take the ratio as an attribute,
// opset 12 and later as an input (training_mode is left out: inference is the default, and
// the trainer sets it when it compiles the training graph).
import { GraftError } from '../errors.js';
import type { BlockTree } from '../blocks/index.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { Emitter } from '../ir/emitter.js';
import { namingStyle, siblingNodeName } from './names.js';

export function addDropout(e: Emitter, x: Value, ratio: number, name: string): Value {
  if (e.opset < 7) throw new GraftError('dropout-unsupported', `Dropout before opset 7 (this model: ${e.opset}) is not supported`);
  if (e.opset < 12) return e.op('Dropout', [x], { ratio: { float: ratio } }, name);
  const ratioName = e.graph.uniqueName(name ? `${name}_ratio` : 'dropout_ratio');
  const r = e.graph.addInitializer(ratioName, makeTensor(ratioName, DataType.FLOAT, [], Float32Array.of(ratio)));
  return e.op('Dropout', [x, r], {}, name);
}

function isInside(tree: BlockTree, node: Node, path: string): boolean {
  const at = tree.blockOfNode.get(node.id) ?? '';
  return path === '' || at === path || at.startsWith(`${path}/`);
}

/**
 * Puts a Dropout on the single value that leaves block `path`; readers inside the block (a
 * residual skip) keep the undropped value. The node takes the scope of the value's producer,
 * so the tree shows it at the end of the block.
 */
export function insertDropoutAfter(graph: Graph, tree: BlockTree, path: string, ratio: number, opset: number): string {
  const block = tree.blocks.get(path);
  if (!block || path === '') {
    const top = tree.root.children.map((c) => c.path).join(', ');
    throw new GraftError('unknown-block', `insert-dropout: no block "${path}" in this model (top-level blocks: ${top})`);
  }
  if (block.outputs.length !== 1) {
    const names = block.outputs.map((o) => `"${o.name}"`).join(', ') || 'none';
    throw new GraftError('dropout-unsupported', `insert-dropout: block "${path}" has ${block.outputs.length} outputs (${names}); dropout needs exactly one`);
  }
  const out = graph.value(block.outputs[0].name);
  if (out.isGraphOutput) {
    throw new GraftError('dropout-unsupported', `insert-dropout: block "${path}" produces the model's output "${out.name}"; dropout there would drop the predictions`);
  }
  const outside = out.uses.map((u) => u.node).filter((n) => !isInside(tree, n, path));
  const producerName = out.producer?.name ?? '';
  const scoped = siblingNodeName(namingStyle(tree, producerName), producerName, 'Dropout');
  const name = scoped && graph.uniqueName(scoped);
  const e = new Emitter(graph, opset, { outputs: 'exporter' });
  graph.insertOnEdge(out, (v) => addDropout(e, v, ratio, name), outside);
  return `insert-dropout: Dropout(${ratio}) after "${path}" on "${out.name}"`;
}
