// How a run's streamed events build its record: the one fold, used by the engine (the record it
// stores) and by the UI (the record it shows). Pure: it returns a new record and never touches
// the one it was given, so React sees each change and the engine keeps a consistent snapshot.
import type { GradflowSnapshot, RunEvent, RunRecord } from './studio-types.js';
import type { TrainConfig, TrainEvent } from './training.js';

/** A run before its first event: what the fold starts from. */
export function newRunRecord(id: string, label: string, config: TrainConfig, createdAt = new Date().toISOString()): RunRecord {
  return { id, label, createdAt, status: 'starting', config, start: null, steps: [], epochs: [], evaluation: null, export: null, done: null, gradflow: null, gradflowEpochs: [], log: [], error: null, checkpointEpoch: null };
}

export interface FoldLimits {
  /** Step points kept; beyond it every other one is dropped (curves keep their shape). */
  maxSteps: number;
}

/** Per-epoch gradient-flow snapshots kept; beyond it every other older one is dropped. */
export const MAX_GRADFLOW_EPOCHS = 100;

/**
 * A gradflow event kept as its epoch's snapshot: a later one in the same epoch replaces it, so
 * each epoch ends with its last step's. The trainer sends the epoch event after the epoch's
 * last step, so a snapshot belongs to the epoch after the last one summarised.
 */
function withGradflowSnapshot(r: RunRecord, step: number, layers: GradflowSnapshot['layers']): GradflowSnapshot[] {
  const epoch = (r.epochs[r.epochs.length - 1]?.epoch ?? r.start?.resumedFromEpoch ?? 0) + 1;
  const kept = (r.gradflowEpochs ?? []).filter((s) => s.epoch !== epoch);
  const thinned = kept.length >= MAX_GRADFLOW_EPOCHS ? kept.filter((_, i) => i % 2 === 0) : kept;
  return [...thinned, { epoch, step, layers }];
}

/** Log lines kept per run: the latest ones. */
export const MAX_LOG_LINES = 500;

/** One trainer event folded into the record. */
export function foldTrainEvent(r: RunRecord, e: TrainEvent, limits: FoldLimits): RunRecord {
  // Any other event from the trainer means the wait it reported is over.
  if (e.event !== 'progress' && e.event !== 'log' && r.progress) r = { ...r, progress: null };
  switch (e.event) {
    case 'progress': {
      const { event: _e, ...progress } = e;
      return { ...r, progress };
    }
    case 'start':
      return { ...r, start: e, status: r.status === 'starting' ? 'running' : r.status };
    case 'steps': {
      let steps = [...r.steps, ...e.points];
      if (steps.length > limits.maxSteps) steps = steps.filter((_, i) => i % 2 === 0);
      return { ...r, steps };
    }
    case 'epoch': {
      const { event: _e, ...summary } = e;
      return { ...r, epochs: [...r.epochs, summary] };
    }
    case 'checkpoint':
      return { ...r, checkpointEpoch: e.epoch };
    case 'evaluation': {
      const { event: _e, ...evaluation } = e;
      return { ...r, evaluation };
    }
    case 'export':
      return { ...r, export: e };
    case 'gradflow':
      return { ...r, gradflow: { step: e.step, layers: e.layers }, gradflowEpochs: withGradflowSnapshot(r, e.step, e.layers) };
    case 'log':
      return { ...r, log: [...r.log.slice(-(MAX_LOG_LINES - 1)), e.message] };
    case 'done':
      return { ...r, done: e, status: e.stoppedByUser ? 'stopped' : 'done' };
    case 'error':
      return { ...r, error: { code: e.code, message: e.message }, status: 'failed' };
  }
}

/** One pushed studio event folded into the record it concerns (a status change, or a trainer event). */
export function foldStudioEvent(r: RunRecord, e: RunEvent, limits: FoldLimits): RunRecord {
  return e.type === 'run' ? foldTrainEvent(r, e.event, limits) : { ...r, status: e.run.status, error: e.run.error };
}

/** The id of the run a pushed event concerns. */
export function eventRunId(e: RunEvent): string {
  return e.type === 'run' ? e.runId : e.run.id;
}
