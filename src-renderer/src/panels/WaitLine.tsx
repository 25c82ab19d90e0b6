// A wait the person can watch: a spinner, what the engine is doing with its counts, and a bar
// once the total is known. Runs (caching, evaluating) and datasets (scanning, reading) share it.
import type { ReactNode } from 'react';

export function WaitLine({ testId, done, total, children }: { testId: string; done?: number; total?: number | null; children: ReactNode }) {
  return (
    <p className="run-wait" data-testid={testId} aria-live="polite">
      {/* One span, so a sentence with parts wraps as text beside the spinner and the bar. */}
      <span className="spinner" aria-hidden="true" /> <span>{children}</span>
      {done !== undefined && total !== undefined && total !== null && <progress max={total} value={done} />}
    </p>
  );
}
