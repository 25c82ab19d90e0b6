// The one API contract between the UI and the studio's engine. Two transports carry it:
// Electron IPC (desktop) and a loopback WebSocket (`graft serve`). Everything here is plain
// JSON-serialisable data; no class instances, no tensors.

/** A dimension: a number when known, a symbol ("N", "batch") when dynamic, null when unknown. */
export type Dim = number | string | null;

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

export interface BlockView {
  /** Unique, slash-separated: "layer4/layer4.1/conv2". The root's path is "". */
  path: string;
  name: string;
  kind: BlockKind;
  /** Trainable-parameter elements in this block and its descendants. */
  params: number;
  /** Values entering the block from outside it (parameters excluded). */
  inputs: TensorInfo[];
  /** Values produced inside the block and used outside it (or graph outputs). */
  outputs: TensorInfo[];
  /** Ids of the nodes directly in this block (not in its children). */
  nodeIds: string[];
  children: BlockView[];
}

export interface GraphNodeView {
  id: string;
  name: string;
  opType: string;
  /** Path of the innermost block that holds the node. */
  block: string;
}

export interface GraphEdgeView {
  from: string;
  to: string;
  /** Name of the value flowing along the edge. */
  value: string;
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

export interface ModelSummary {
  path: string;
  fileName: string;
  fileBytes: number;
  irVersion: number;
  opsets: Record<string, number>;
  producer: string;
  nodeCount: number;
  totalParams: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  opCounts: Record<string, number>;
  head: HeadInfo | null;
  recurrent: RecurrentInfo[];
}

export interface ModelView {
  summary: ModelSummary;
  root: BlockView;
  nodes: GraphNodeView[];
  edges: GraphEdgeView[];
}

export interface ProbeResult {
  ok: boolean;
  /** Output shapes onnxruntime produced for one sample (batch dims set to 1). */
  outputs: TensorInfo[];
  millis: number;
  error: string | null;
}

export interface ModelEntry {
  /** Absolute path on the machine that runs the engine. */
  path: string;
  label: string;
  bundled: boolean;
}

export interface AppInfo {
  version: string;
  mode: 'electron' | 'serve';
  /** The model to open first, when the studio was started on one. */
  initialModel: string | null;
}

/** Every request the UI can make, with its parameters and its result. */
export interface StudioApi {
  appInfo(): Promise<AppInfo>;
  listModels(): Promise<ModelEntry[]>;
  openModel(req: { path: string }): Promise<ModelView>;
  probeModel(req: { path: string }): Promise<ProbeResult>;
}

export type ApiMethod = keyof StudioApi;
export type ApiParams<M extends ApiMethod> = Parameters<StudioApi[M]>;
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<StudioApi[M]>>;

export const API_METHODS: readonly ApiMethod[] = ['appInfo', 'listModels', 'openModel', 'probeModel'];

/** Errors cross the boundary as data: a stable code and a sentence for a person. */
export interface ApiErrorData {
  code: string;
  message: string;
}

/** Wire format of the WebSocket transport (IPC carries the same objects). */
export interface RpcRequest {
  id: number;
  method: ApiMethod;
  params: unknown[];
}

export type RpcResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ApiErrorData };
