// Head swap: the detected classification layer (Gemm, or MatMul + Add) is replaced by a new
// Linear with K outputs, or by a small MLP, freshly initialised as PyTorch would. Whatever
// followed the old layer (Softmax, Flatten, the graph output's name) follows the new one.
import { GraftError } from '../errors.js';
import { type BlockTree, type HeadMatch, matchHead } from '../blocks/index.js';
import { getInt } from '../ir/attributes.js';
import { Emitter } from '../ir/emitter.js';
import type { Graph, Value } from '../ir/graph.js';
import { DataType, dtypeName } from '../onnx/dtype.js';
import { seededRandom } from '../random.js';
import { addDropout } from './dropout.js';
import { type LinearLayer, addLinear, torchLinearInit } from './linear.js';
import { type NamingStyle, childNodeName, modulePath, namingStyle, parameterName, siblingNodeName } from './names.js';

export interface SwapHeadOptions {
  classes: number;
  /** MLP head when set: Linear(in, hidden) -> ReLU -> Dropout(dropout) -> Linear(hidden, classes). */
  hidden?: number;
  dropout?: number;
  seed: number;
  opset: number;
}

export interface SwapHeadOutcome {
  /** Names of the new parameters, weight before bias, layer by layer. */
  newParams: string[];
  /** The old head's block. */
  block: string;
  log: string;
}

/** The module the head layer came from: "fc" from "fc.weight", else from its block path. */
function headModule(m: HeadMatch, block: string): string {
  const fromWeight = /^([A-Za-z_]\w*(?:\.\w+)*)\.weight$/.exec(m.weight.name);
  return fromWeight ? fromWeight[1] : modulePath(block) || 'head';
}

function checkHead(graph: Graph, m: HeadMatch | null, classes: number): HeadMatch {
  if (!Number.isInteger(classes) || classes < 2) {
    throw new GraftError('edit-invalid', `swap-head: a classifier needs at least 2 classes (got ${classes})`);
  }
  if (!m) {
    throw new GraftError(
      'no-head',
      `swap-head: no classification head found: the first output "${graph.outputs[0]?.name ?? '(none)'}" is not computed by a ` +
        'Gemm or MatMul + Add layer (looking back through Softmax, Flatten, Reshape, Squeeze, Identity and Dropout)',
    );
  }
  if (m.linear.opType === 'Gemm' && getInt(m.linear, 'transA', 0) !== 0) {
    throw new GraftError('head-unsupported', `swap-head: head "${m.linear.id}" is a Gemm with transA = 1; only x·Wᵀ heads can be swapped`);
  }
  const dtype = m.weight.initializer?.dataType ?? DataType.UNDEFINED;
  if (dtype !== DataType.FLOAT) {
    throw new GraftError('head-unsupported', `swap-head: head weight "${m.weight.name}" is ${dtypeName(dtype)}; only float32 heads can be swapped`);
  }
  return m;
}

/** The new head as it is built: where its names come from, and the parameters made so far. */
interface NewHead {
  e: Emitter;
  style: NamingStyle;
  anchor: string;
  module: string;
  form: LinearLayer['form'];
  rand: () => number;
  /** New parameters with the names they should end up with. */
  params: { value: Value; name: string }[];
}

/** Child `index` of the head module, a Linear (index null: the head module itself). */
function emitLinear(head: NewHead, x: Value, fin: number, fout: number, index: number | null, oldNames?: { node: string; add: string }): Value {
  const layer: LinearLayer = {
    inFeatures: fin,
    outFeatures: fout,
    form: head.form,
    weightName: parameterName(head.style, head.module, index, 'weight'),
    biasName: parameterName(head.style, head.module, index, 'bias'),
    nodeName: oldNames?.node ?? childNodeName(head.style, head.anchor, head.module, index ?? 0, head.form === 'gemm' ? 'Gemm' : 'MatMul'),
    addNodeName: oldNames?.add ?? childNodeName(head.style, head.anchor, head.module, index ?? 0, 'Add'),
  };
  const { y, params } = addLinear(head.e, x, layer, torchLinearInit(head.rand, fin, fout));
  head.params.push({ value: params[0], name: layer.weightName }, { value: params[1], name: layer.biasName });
  return y;
}

/** Replaces the head in place. `tree` is the block tree of `graph` before the swap. */
export function swapHead(graph: Graph, tree: BlockTree, o: SwapHeadOptions): SwapHeadOutcome {
  const m = checkHead(graph, matchHead(graph), o.classes);
  const x = m.linear.input(0)!;
  const oldOut = (m.biasAdd ?? m.linear).output(0)!;
  const block = tree.blockOfNode.get(m.linear.id) ?? '';
  const head: NewHead = {
    e: new Emitter(graph, o.opset, { outputs: 'exporter' }),
    style: namingStyle(tree, m.linear.name),
    anchor: m.linear.name,
    module: headModule(m, block),
    form: m.linear.opType === 'Gemm' ? 'gemm' : 'matmul',
    rand: seededRandom(o.seed),
    params: [],
  };

  let y: Value;
  let shape: string;
  if (o.hidden === undefined) {
    // Same module, same node names: the tree keeps the head where it was.
    const add = m.biasAdd?.name ?? siblingNodeName(head.style, m.linear.name, 'Add');
    y = emitLinear(head, x, m.inFeatures, o.classes, null, { node: m.linear.name, add });
    shape = `Linear(${m.inFeatures}, ${o.classes})`;
  } else {
    // nn.Sequential(Linear, ReLU, Dropout, Linear): children 0..3, as PyTorch would name them.
    const p = o.dropout ?? 0;
    let h = emitLinear(head, x, m.inFeatures, o.hidden, 0);
    h = head.e.op('Relu', [h], {}, childNodeName(head.style, head.anchor, head.module, 1, 'Relu'));
    if (p > 0) h = addDropout(head.e, h, p, childNodeName(head.style, head.anchor, head.module, 2, 'Dropout'));
    y = emitLinear(head, h, o.hidden, o.classes, 3);
    shape = `MLP(${m.inFeatures} → ${o.hidden} → ReLU${p > 0 ? ` → Dropout(${p})` : ''} → ${o.classes})`;
  }

  const outputName = oldOut.isGraphOutput ? oldOut.name : null;
  graph.replaceAllUsesWith(oldOut, y);
  graph.cleanup(); // the old layer and its parameters (unless something else still reads them)
  if (outputName) graph.renameValue(y, outputName);
  // The old parameters' names are free now; a tied weight that is still used keeps its own.
  for (const p of head.params) if (!graph.values.has(p.name)) graph.renameValue(p.value, p.name);
  graph.topologicalSort();

  return {
    newParams: head.params.map((p) => p.value.name),
    block,
    log: `swap-head: "${block || m.linear.id}" ${m.linear.opType}(${m.inFeatures} → ${m.outFeatures}) replaced by ${shape}, seed ${o.seed}`,
  };
}
