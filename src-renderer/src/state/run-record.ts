// Folding a run's streamed events into its record, immutably, so React sees each change.
import type { RunRecord, TrainEvent } from '../../../src-main/api/contract.js';

/** Step points kept on screen per run; beyond it every other one is dropped. */
const MAX_STEPS = 6000;

export function withEvent(r: RunRecord, e: TrainEvent): RunRecord {
  switch (e.event) {
    case 'start':
      return { ...r, start: e, status: r.status === 'starting' ? 'running' : r.status };
    case 'steps': {
      let steps = [...r.steps, ...e.points];
      if (steps.length > MAX_STEPS) steps = steps.filter((_, i) => i % 2 === 0);
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
      return { ...r, gradflow: { step: e.step, layers: e.layers } };
    case 'log':
      return { ...r, log: [...r.log.slice(-499), e.message] };
    case 'done':
      return { ...r, done: e, status: e.stoppedByUser ? 'stopped' : 'done' };
    case 'error':
      return { ...r, error: { code: e.code, message: e.message }, status: 'failed' };
  }
}
