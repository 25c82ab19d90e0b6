// The block hierarchy as the engine hands it to the UI: api/contract.ts re-exports these
// types (BlockView = Block), so what core builds is what the UI receives.
import type { Dim } from '../ir/graph.js';

export interface TensorInfo {
  name: string;
  /** ONNX element type in lower case: "float32", "int64", ... */
  dtype: string;
  /** null when the rank itself is unknown. */
  shape: Dim[] | null;
}

export type BlockKind =
  | 'model'
  | 'stem'
  | 'stage'
  | 'residual'
  | 'squeeze-excite'
  | 'sequential'
  | 'conv'
  | 'linear'
  | 'norm'
  | 'activation'
  | 'pool'
  | 'recurrent'
  | 'head'
  | 'reshape'
  | 'op'
  | 'group';

export interface Block {
  /** Unique, slash-separated: "layer4/layer4.1/conv2". The root's path is "". */
  path: string;
  name: string;
  kind: BlockKind;
  /** Trainable-parameter elements in this block and its descendants. */
  params: number;
  /** Values entering the block from outside it (parameters and constants excluded). */
  inputs: TensorInfo[];
  /** Values produced inside the block and used outside it (or graph outputs). */
  outputs: TensorInfo[];
  /** Ids of the nodes directly in this block (not in its children). */
  nodeIds: string[];
  children: Block[];
}

export interface BlockTree {
  root: Block;
  /** Node id -> path of the innermost block holding it. Every node has an entry. */
  blockOfNode: Map<string, string>;
  /** Every block by path, the root under "". */
  blocks: Map<string, Block>;
  /** Where the hierarchy came from. */
  source: 'scopes' | 'parameter-names' | 'topology';
}

export interface HeadInfo {
  block: string;
  nodeId: string;
  opType: string;
  weight: string;
  bias: string | null;
  inFeatures: number;
  outFeatures: number;
  /** A Softmax/LogSoftmax after the head, which training removes and export restores. */
  softmaxNodeId: string | null;
}

export interface RecurrentInfo {
  nodeId: string;
  block: string;
  cell: 'LSTM' | 'GRU' | 'RNN';
  hiddenSize: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  inputSize: number | null;
}
