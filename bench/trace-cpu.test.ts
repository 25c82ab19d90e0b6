import { describe, expect, it } from 'vitest';
import { mainThreadCpuMs } from './trace-cpu.js';
import type { TraceEvent } from './trace-cpu.js';

const thread = (tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid, args: { name } });
const task = (tid: number, ts: number, dur: number, tdur: number, name = 'ThreadControllerImpl::RunTask', type?: string): TraceEvent => ({
  name,
  ph: 'X',
  ts,
  dur,
  tdur,
  pid: 1,
  tid,
  ...(type ? { args: { data: { type } } } : {}),
});

describe('mainThreadCpuMs', () => {
  it('adds the CPU time of the main thread tasks from the keydown through the window, counting nested events once', () => {
    const events = [
      thread(1, 'CrRendererMain'),
      thread(2, 'Compositor'),
      task(1, 500, 1_000, 900), // before the keydown's task: not counted
      task(1, 10_000, 30_000, 20_000), // holds the keydown
      task(1, 10_100, 29_000, 19_000, 'EventDispatch', 'keydown'),
      task(1, 11_000, 5_000, 5_000, 'FunctionCall'),
      task(2, 12_000, 50_000, 50_000), // another thread
      task(1, 45_000, 8_000, 6_000), // the frame
      task(1, 200_000, 8_000, 8_000), // after the window
    ];
    expect(mainThreadCpuMs(events, 100)).toBe(26);
  });
});
