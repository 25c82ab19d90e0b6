// The shown run records follow the engine's events through the API's one fold (run-fold.ts),
// with the page's own bound on curve length.
import type { RunEvent, RunRecord, TrainEvent } from '../../../src-main/api/contract.js';
import { foldStudioEvent, foldTrainEvent } from '../../../src-main/api/run-fold.js';

/** Step points kept on screen per run; beyond it every other one is dropped. */
const SHOWN = { maxSteps: 6000 };

export function withEvent(r: RunRecord, e: TrainEvent): RunRecord {
  return foldTrainEvent(r, e, SHOWN);
}

export function withStudioEvent(r: RunRecord, e: RunEvent): RunRecord {
  return foldStudioEvent(r, e, SHOWN);
}
