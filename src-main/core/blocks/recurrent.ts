// The fused recurrent nodes (ONNX LSTM / GRU / RNN) that the cell-swap edit works on.
import { getInt, getString } from '../ir/attributes.js';
import type { Graph } from '../ir/graph.js';
import { tensorDims } from '../onnx/tensor.js';
import { initializerBehind } from './params.js';
import type { BlockTree, RecurrentInfo } from './types.js';

const CELLS = new Set<RecurrentInfo['cell']>(['LSTM', 'GRU', 'RNN']);

export function recurrentNodes(graph: Graph, tree: BlockTree): RecurrentInfo[] {
  const out: RecurrentInfo[] = [];
  for (const node of graph.nodes) {
    const cell = node.opType as RecurrentInfo['cell'];
    if (node.domain !== '' && node.domain !== 'ai.onnx') continue;
    if (!CELLS.has(cell)) continue;
    const dir = getString(node, 'direction', 'forward');
    const direction: RecurrentInfo['direction'] = dir === 'reverse' || dir === 'bidirectional' ? dir : 'forward';
    // W is [num_directions, gates * hidden, input_size].
    const w = node.input(1);
    const init = initializerBehind(w);
    const wShape = init?.initializer ? tensorDims(init.initializer) : (w?.type?.shape ?? null);
    const inputDim = wShape?.[2];
    out.push({
      nodeId: node.id,
      block: tree.blockOfNode.get(node.id) ?? '',
      cell,
      hiddenSize: getInt(node, 'hidden_size', 0),
      direction,
      inputSize: typeof inputDim === 'number' ? inputDim : null,
    });
  }
  return out;
}
