// Which runs can share the Compare tab's axes: the same model and the same task. Classification
// accuracy and regression loss, or two models' losses, on one chart would read as a comparison.
import type { RunRecord } from '../../../../src-main/api/contract.js';

export type Task = 'classification' | 'regression';

/** A run's task, from what its start reported (null before it started). */
export function runTask(r: RunRecord): Task | null {
  if (!r.start) return null;
  return r.start.classes ? 'classification' : 'regression';
}

export interface Comparable {
  shown: RunRecord[];
  /** Runs left off the charts, each with why. */
  hidden: { run: RunRecord; reason: string }[];
}

/**
 * Runs comparable with the open model's (or, with no model open, the latest run's): same model
 * file and same task. A run that never started has no known task and counts by its model alone.
 */
export function comparableRuns(runs: RunRecord[], currentModel: string | null): Comparable {
  const model = currentModel ?? runs.at(-1)?.config.model ?? null;
  const task = [...runs].reverse().find((r) => r.config.model === model && runTask(r) !== null);
  const reference = task ? runTask(task) : null;
  const out: Comparable = { shown: [], hidden: [] };
  for (const r of runs) {
    const t = runTask(r);
    if (r.config.model !== model) out.hidden.push({ run: r, reason: `another model (${fileName(r.config.model)})` });
    else if (reference && t && t !== reference) out.hidden.push({ run: r, reason: `another task (${t})` });
    else out.shown.push(r);
  }
  return out;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
