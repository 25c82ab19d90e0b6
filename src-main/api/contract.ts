// The one API contract between the UI and the studio's engine. Two transports carry it:
// Electron IPC (desktop) and a loopback WebSocket (`graft serve`). Everything here is plain
// JSON-serialisable data; no class instances, no tensors.

// The engine's own data types are the contract's: the UI receives exactly what core built.
import type { Block, BlockKind, HeadInfo, RecurrentInfo, TensorInfo } from '../core/blocks/types.js';
import type { Dim } from '../core/ir/graph.js';
import type { ModelSummaryData, ModelViewData } from '../core/view/model-view.js';

export type { BlockKind, Dim, HeadInfo, RecurrentInfo, TensorInfo };
export type BlockView = Block;
export type ModelSummary = ModelSummaryData;
export type GraphNodeView = ModelViewData['nodes'][number];
export type GraphEdgeView = ModelViewData['edges'][number];

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
