// How opening a dataset reports its progress: each adapter calls a sink with counts as it goes
// (every item; cheap), and whoever sends them on throttles them to a few a second.
import type { DatasetProgress } from '../../api/studio-types.js';

export type { DatasetProgress };
export type ProgressSink = (p: DatasetProgress) => void;

/** The sink that drops everything: what an open without a listener reports to. */
export const NO_PROGRESS: ProgressSink = () => {};

/**
 * Reports at most once per interval, the first only once the work has taken that long: an open
 * that is over in a blink sends nothing, a long one its latest counts a few times a second.
 */
export function throttleProgress(sink: ProgressSink, intervalMs = 250, now: () => number = () => performance.now()): ProgressSink {
  let last = now();
  return (p) => {
    const t = now();
    if (t - last < intervalMs) return;
    last = t;
    sink(p);
  };
}

/** Runs a stepped computation (see core/data/steps.ts), reporting each pause and letting queued work, such as progress messages, go out. */
export async function runInSteps<S, T>(steps: Generator<S, T>, onStep: (step: S) => void): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    onStep(r.value);
    await new Promise((resolve) => setImmediate(resolve));
    r = steps.next();
  }
  return r.value;
}
