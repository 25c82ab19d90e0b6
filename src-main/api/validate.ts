// Checks and dispatch shared by both transports (WebSocket server and Electron IPC), so a
// message that one of them refuses is refused by the other too. Each method's parameters are
// rebuilt field by field: what reaches the service is only what the contract knows, with the
// types it declares. Edit records are checked in depth where they are replayed (core's
// applyEdits names the edit and the field at fault). Pure TypeScript: no Node.
//
// METHOD_CHECKS is the one list of the API's methods: the type checker holds it to exactly
// the methods of StudioApi, and everything else (dispatch, the transports) follows it.
import type { ApiErrorData, ApiMethod, RpcOutcome, RpcRequest, RpcResponse, StudioApi } from './contract.js';
import { bool, fail, int, intList, Invalid, name, nullable, num, object, oneOf, path, plainData, runId } from './fields.js';
import type { DataOptions, Edit, ProjectState, TryInput } from './studio-types.js';
import { type DataSpec, DEFAULT_TRAIN_CONFIG, DEVICE_CHOICES, type ScheduleName, type TrainConfig } from './training.js';

const MAX_EDITS = 1000;
const MAX_INDICES = 256;
/** Inputs per Try request: a handful of dropped images or samples, each run on the engine. */
export const MAX_TRY_INPUTS = 32;

export function checkEdits(x: unknown): Edit[] {
  if (x === undefined) return [];
  if (!Array.isArray(x) || x.length > MAX_EDITS) fail(`edits must be a list of at most ${MAX_EDITS} edit records`);
  x.forEach((e, i) => {
    if (typeof object(e, `edit ${i + 1}`).kind !== 'string') fail(`edit ${i + 1} needs a "kind"`);
  });
  // Only data goes on (getters read, prototypes dropped), and never nested without bound.
  return plainData(x, 'edits') as Edit[];
}

const MAX_CLASS_NAME = 100;

/** Renamed classes: at most one per class a source can have, each new name 1-100 characters. */
function checkRenames(x: unknown): Record<string, string> {
  const o = object(x, 'options.renames');
  const entries = Object.entries(o);
  if (entries.length > 10_000) fail('options.renames renames more classes than a dataset can have');
  const out: Record<string, string> = {};
  for (const [from, to] of entries) {
    if (typeof to !== 'string' || to.trim() === '' || to.length > MAX_CLASS_NAME) fail(`options.renames["${from.slice(0, 40)}"] must be a name of 1 to ${MAX_CLASS_NAME} characters`);
    // Own data properties only: a class called "__proto__" is a name like any other.
    Object.defineProperty(out, from, { value: to.trim(), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function checkDataOptions(x: unknown): DataOptions {
  const o = object(x, 'options');
  const renames = nullable(o.renames, checkRenames);
  return {
    classes: nullable(o.classes, (v) => intList(v, 'options.classes', 10_000)),
    perClassLimit: nullable(o.perClassLimit, (v) => int(v, 'options.perClassLimit', 1)),
    valFraction: num(o.valFraction, 'options.valFraction', 0, 0.9),
    seed: int(o.seed, 'options.seed', 0, 2 ** 31 - 1),
    ...(renames && Object.keys(renames).length > 0 ? { renames } : {}),
  };
}

function checkDataSpec(x: unknown): DataSpec {
  const d = object(x, 'config.data');
  return { path: path(d.path, 'config.data.path'), options: checkDataOptions(d.options) };
}

export function checkTrainConfig(x: unknown): TrainConfig {
  const c = object(x, 'config');
  const d = DEFAULT_TRAIN_CONFIG;
  const get = <K extends keyof TrainConfig>(k: K): unknown => (c[k] === undefined ? (d as Partial<TrainConfig>)[k] : c[k]);
  const multipliers = object(get('lrMultipliers'), 'config.lrMultipliers');
  const lrMultipliers: Record<string, number> = {};
  for (const [k, v] of Object.entries(multipliers)) lrMultipliers[k] = num(v, `config.lrMultipliers["${k}"]`, 0, 1000);
  return {
    model: path(c.model, 'config.model'),
    data: checkDataSpec(c.data),
    edits: c.edits === undefined || c.edits === null ? [] : checkEdits(c.edits),
    reinit: bool(get('reinit'), 'config.reinit'),
    epochs: int(get('epochs'), 'config.epochs', 1, 10_000),
    batchSize: int(get('batchSize'), 'config.batchSize', 1, 65_536),
    optimizer: oneOf(get('optimizer'), 'config.optimizer', ['sgd', 'adamw'] as const),
    lr: num(get('lr'), 'config.lr', 0, 100),
    momentum: num(get('momentum'), 'config.momentum', 0, 1),
    weightDecay: num(get('weightDecay'), 'config.weightDecay', 0, 10),
    schedule: oneOf<ScheduleName>(get('schedule'), 'config.schedule', ['constant', 'step', 'cosine', 'one-cycle', 'warmup-cosine']),
    clipNorm: nullable(get('clipNorm'), (v) => num(v, 'config.clipNorm', 1e-12, 1e12)),
    augment: bool(get('augment'), 'config.augment'),
    cache: bool(get('cache'), 'config.cache'),
    seed: int(get('seed'), 'config.seed', 0, 2 ** 31 - 1),
    earlyStopPatience: nullable(get('earlyStopPatience'), (v) => int(v, 'config.earlyStopPatience', 1, 10_000)),
    // Where a run writes is the engine's choice in the studio, never the caller's.
    checkpointDir: null,
    resumeDir: null,
    exportPath: null,
    lrMultipliers,
    device: oneOf(get('device'), 'config.device', DEVICE_CHOICES),
    // Runs stored before the choice existed read as frozen, which is what they ran.
    batchnorm: oneOf(get('batchnorm'), 'config.batchnorm', ['frozen', 'batch'] as const),
  };
}

function checkHistory(x: unknown, edits: number): ProjectState['history'] {
  if (x === undefined || x === null) return undefined;
  if (!Array.isArray(x) || x.length > MAX_EDITS) fail('project.history must be a list');
  const groups = x.map((g, i) => {
    const o = object(g, `project.history[${i}]`);
    if (typeof o.label !== 'string' || o.label.length > 500) fail(`project.history[${i}].label must be a string`);
    return { label: o.label, count: int(o.count, `project.history[${i}].count`, 1, MAX_EDITS) };
  });
  if (groups.reduce((s, g) => s + g.count, 0) !== edits) fail('project.history does not add up to the edits');
  return groups;
}

function checkProject(x: unknown): ProjectState {
  const p = object(x, 'project');
  const train = object(p.train ?? {}, 'project.train');
  const edits = checkEdits(p.edits);
  return {
    name: name(p.name, 'project.name'),
    model: nullable(p.model, (v) => path(v, 'project.model')),
    edits,
    history: checkHistory(p.history, edits.length),
    data: nullable(p.data, (v) => path(v, 'project.data')),
    dataOptions: checkDataOptions(p.dataOptions),
    // The training panel's settings are advisory (the run re-validates them): keep plain data only.
    train: plainData(train, 'project.train') as Partial<TrainConfig>,
  };
}

/** A run's name as a person types it: one line, 1-80 characters once trimmed. */
function runLabel(x: unknown): string {
  const label = typeof x === 'string' ? x.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (label.length < 1 || label.length > 80 || /[\u0000-\u001f\u007f]/.test(label)) fail('label must be one line of 1-80 characters');
  return label;
}

const split = (x: unknown) => oneOf(x, 'split', ['train', 'val', 'test'] as const);

function checkTryInputs(x: unknown): TryInput[] {
  if (!Array.isArray(x) || x.length === 0 || x.length > MAX_TRY_INPUTS) fail(`inputs must be a list of 1 to ${MAX_TRY_INPUTS} images or samples`);
  return x.map((v, i): TryInput => {
    const o = object(v, `inputs[${i}]`);
    const kind = oneOf(o.kind, `inputs[${i}].kind`, ['image', 'sample'] as const);
    if (kind === 'image') return { kind, path: path(o.path, `inputs[${i}].path`) };
    return { kind, split: split(o.split), index: int(o.index, `inputs[${i}].index`, 0) };
  });
}

/** A dataset request's progress ticket (optional): a short token the page made up. */
function ticket(x: unknown): { ticket?: string } {
  if (x === undefined || x === null) return {};
  if (typeof x !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(x)) fail('ticket must be 1-64 letters, digits, "_" or "-"');
  return { ticket: x };
}

/** Per method of the API: its parameters rebuilt from what arrived. */
export const METHOD_CHECKS: Record<ApiMethod, (params: unknown[]) => unknown[]> = {
  appInfo: () => [],
  listModels: () => [],
  devices: () => [],
  listRuns: () => [],
  listProjects: () => [],
  openModel: ([r]) => {
    const o = object(r, 'the request');
    return [{ path: path(o.path, 'path'), edits: checkEdits(o.edits) }];
  },
  probeModel: ([r]) => [{ path: path(object(r, 'the request').path, 'path') }],
  openDataset: ([r]) => {
    const o = object(r, 'the request');
    return [{ path: path(o.path, 'path'), model: path(o.model, 'model'), options: checkDataOptions(o.options), ...ticket(o.ticket) }];
  },
  datasetSamples: ([r]) => {
    const o = object(r, 'the request');
    return [{ path: path(o.path, 'path'), model: path(o.model, 'model'), options: checkDataOptions(o.options), split: split(o.split), indices: intList(o.indices, 'indices', MAX_INDICES), ...ticket(o.ticket) }];
  },
  browse: ([r]) => [{ path: nullable(object(r, 'the request').path, (v) => path(v, 'path')) }],
  startRun: ([r]) => [{ config: checkTrainConfig(object(r, 'the request').config) }],
  controlRun: ([r]) => {
    const o = object(r, 'the request');
    return [{ id: runId(o.id), action: oneOf(o.action, 'action', ['pause', 'resume', 'stop'] as const) }];
  },
  resumeRun: ([r]) => [{ id: runId(object(r, 'the request').id) }],
  renameRun: ([r]) => {
    const o = object(r, 'the request');
    return [{ id: runId(o.id), label: runLabel(o.label) }];
  },
  deleteRun: ([r]) => [{ id: runId(object(r, 'the request').id) }],
  exportRun: ([r]) => {
    const o = object(r, 'the request');
    return [{ id: runId(o.id), path: path(o.path, 'path') }];
  },
  tryRun: ([r]) => {
    const o = object(r, 'the request');
    return [{ id: runId(o.id), inputs: checkTryInputs(o.inputs), top: int(o.top, 'top', 1, 100) }];
  },
  loadProject: ([r]) => [{ name: nullable(object(r, 'the request').name, (v) => name(v, 'name')) }],
  saveProject: ([r]) => [{ project: checkProject(object(r, 'the request').project) }],
};

export type CallCheck = { ok: true; method: ApiMethod; params: unknown[] } | { ok: false; error: ApiErrorData };

function invalid(message: string): { ok: false; error: ApiErrorData } {
  return { ok: false, error: { code: 'invalid-request', message } };
}

/** Validates a method name and its parameters, whatever transport brought them. */
export function checkCall(method: unknown, params: unknown): CallCheck {
  // Own keys only: "constructor" or "toString" are not methods of the API.
  if (typeof method !== 'string' || !Object.hasOwn(METHOD_CHECKS, method)) {
    return invalid(`unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
  }
  if (!Array.isArray(params)) return invalid(`params of ${method} must be an array`);
  const m = method as ApiMethod;
  try {
    return { ok: true, method: m, params: METHOD_CHECKS[m](params) };
  } catch (e) {
    if (e instanceof Invalid) return invalid(`${m}: ${e.message}`);
    throw e;
  }
}

export type RequestCheck = { ok: true; request: RpcRequest } | { ok: false; id: number; error: ApiErrorData };

/** Validates one WebSocket message (already JSON-parsed, or the raw text when it did not parse). */
export function checkRequest(message: unknown): RequestCheck {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, id: -1, error: invalid('a request must be a JSON object').error };
  }
  const { id, method, params } = message as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return { ok: false, id: -1, error: invalid('a request needs an integer id').error };
  }
  const call = checkCall(method, params);
  if (!call.ok) return { ok: false, id, error: call.error };
  return { ok: true, request: { id, method: call.method, params: call.params } };
}

/** Any thrown value as error data: services throw errors that carry a `code`. */
export function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' && code ? code : 'internal', message: err.message || String(err) };
  }
  return { code: 'internal', message: String(err) };
}

/** Runs a checked call on the service; never throws. */
export async function invokeChecked(service: StudioApi, method: ApiMethod, params: unknown[]): Promise<RpcOutcome> {
  try {
    const fn = service[method] as (...args: unknown[]) => Promise<unknown>;
    const result = await fn.apply(service, params);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

/** Validates and answers one WebSocket message. */
export async function answerRequest(service: StudioApi, message: unknown): Promise<RpcResponse> {
  const checked = checkRequest(message);
  if (!checked.ok) return { id: checked.id, ok: false, error: checked.error };
  const { id, method, params } = checked.request;
  const outcome = await invokeChecked(service, method, params);
  return outcome.ok ? { id, ok: true, result: outcome.result } : { id, ok: false, error: outcome.error };
}
