// Main-thread CPU time of one step, from a Chromium trace: on a shared machine wall times move
// with other processes' load, the CPU time the renderer's main thread spends does much less.

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread time (CPU) of a complete event, in microseconds. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { type?: string } };
}

/**
 * The CPU time (ms) of the renderer main thread's top-level tasks that start between the first
 * keydown and `windowMs` after it (the step's own work, up to the frame that draws its result).
 */
export function mainThreadCpuMs(events: TraceEvent[], windowMs: number): number {
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const keydown = onMain.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown');
  if (!keydown) throw new Error('no keydown on the main thread in the trace');
  // The keydown is dispatched inside a task that began just before it.
  const from = onMain.filter((e) => e.ts <= keydown.ts && e.ts + (e.dur ?? 0) >= keydown.ts).reduce((a, e) => Math.min(a, e.ts), keydown.ts);
  const to = keydown.ts + windowMs * 1000;
  let cpu = 0;
  let end = -Infinity;
  for (const e of onMain) {
    if (e.ts < from || e.ts > to || e.ts < end) continue; // outside, or nested in a task counted
    cpu += e.tdur ?? e.dur ?? 0;
    end = e.ts + (e.dur ?? 0);
  }
  return cpu / 1000;
}
