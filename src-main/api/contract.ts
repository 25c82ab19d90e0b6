// The one API contract between the UI and the studio's engine. Two transports carry it:
// Electron IPC (desktop) and a loopback WebSocket (`graft serve`). Everything here is plain
// JSON-serialisable data; no class instances, no tensors.

// The engine's own data types are the contract's: the UI receives exactly what core built.
import type { Block, BlockKind, HeadInfo, RecurrentInfo, TensorInfo } from '../core/blocks/types.js';
import type { Dim } from '../core/ir/graph.js';
import type { ModelSummaryData, ModelViewData } from '../core/view/model-view.js';
import type { AddingTaskDefaults } from './adding-task.js';
import type { DeviceReport, StrategyHyper, StrategyName, TrainConfig } from './training.js';
import type {
  BrowseResult,
  DataOptions,
  DatasetView,
  Edit,
  ProjectState,
  ProjectSummary,
  RunRecord,
  RunSummary,
  SampleView,
  StudioEvent,
  SurgeryView,
  TryInput,
  TryResult,
} from './studio-types.js';

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
  /** The edits the view was built with, and what they froze. */
  surgery: SurgeryView;
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
  /** A dataset to offer first (Fashion-MNIST when installed), with the options that suit the bundled model. */
  initialData: { path: string; options: DataOptions; label: string } | null;
  /** Where projects, uploads and runs are kept. */
  workspace: string;
  /** The engine's defaults, so the UI's forms start from the same values as the CLI: a run's
   * settings, the data options, each strategy's own starting settings, and the adding problem's
   * (the same as `graft train --task adding`). */
  defaults: { train: Omit<TrainConfig, 'model' | 'data'>; data: DataOptions; strategies: Record<StrategyName, StrategyHyper>; adding: AddingTaskDefaults };
}

export type RunAction = 'pause' | 'resume' | 'stop';

/** The desktop app's system dialogs (not an API call: the path comes from the user). */
export type DialogKind = 'open-model' | 'open-dataset-folder' | 'open-dataset-file' | 'save-model';

/** Every request the UI can make, with its parameters and its result. */
export interface StudioApi {
  appInfo(): Promise<AppInfo>;
  listModels(): Promise<ModelEntry[]>;
  /** Opens a model with the edit list applied (undo = the same list without its last edit). */
  openModel(req: { path: string; edits?: Edit[] }): Promise<ModelView>;
  probeModel(req: { path: string }): Promise<ProbeResult>;
  /** The execution providers runs can use here (probed once, in a worker process). */
  devices(): Promise<DeviceReport[]>;
  /**
   * Opens a dataset as the model will read it (its input size and normalisation). With a
   * ticket, its progress is pushed as `dataset` events carrying it (see DatasetProgress).
   */
  openDataset(req: { path: string; model: string; options: DataOptions; ticket?: string }): Promise<DatasetView>;
  datasetSamples(req: { path: string; model: string; options: DataOptions; split: 'train' | 'val' | 'test'; indices: number[]; ticket?: string }): Promise<SampleView[]>;
  /** Lists a folder (serve mode: only below the allowed roots). */
  browse(req: { path: string | null }): Promise<BrowseResult>;
  startRun(req: { config: TrainConfig }): Promise<RunRecord>;
  controlRun(req: { id: string; action: RunAction }): Promise<RunSummary>;
  /** Continues a crashed run from its last checkpoint, under the same id. */
  resumeRun(req: { id: string }): Promise<RunRecord>;
  /** Renames a run (its label in the run list and Compare); stored with the run in the project. */
  renameRun(req: { id: string; label: string }): Promise<RunRecord>;
  /** Deletes a finished run and its files (checkpoints, export); a live run must stop first. */
  deleteRun(req: { id: string }): Promise<{ id: string }>;
  listRuns(): Promise<RunRecord[]>;
  /** Copies a run's verified export to `path`. */
  exportRun(req: { id: string; path: string }): Promise<{ path: string; bytes: number }>;
  /**
   * Runs a finished run's exported model on images or on samples of its own data, in a worker
   * process, with the preprocessing the run trained with; `top` classes per input.
   */
  tryRun(req: { id: string; inputs: TryInput[]; top: number }): Promise<TryResult>;
  /** The named project, or (name null) the one open last: crash recovery is reopening it. */
  loadProject(req: { name: string | null }): Promise<{ project: ProjectState; runs: RunRecord[] }>;
  saveProject(req: { project: ProjectState }): Promise<{ savedAt: string }>;
  listProjects(): Promise<ProjectSummary[]>;
}

export type ApiMethod = keyof StudioApi;
export type ApiParams<M extends ApiMethod> = Parameters<StudioApi[M]>;
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<StudioApi[M]>>;

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

/** A call's result or its error: what the IPC transport carries, and (with the id) the WebSocket. */
export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorData };

export type RpcResponse = RpcOutcome & { id: number };

/** An engine-initiated message (run or dataset progress); it has no id. */
export interface RpcPush {
  push: StudioEvent;
}

export type * from './studio-types.js';
export type * from './training.js';
