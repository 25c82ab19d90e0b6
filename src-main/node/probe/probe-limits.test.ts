// Limits on the model probe: absurd inputs are refused before any memory is taken, and
// probes and runs cannot fork an unbounded number of processes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outerProductModel, reluModel } from '../../test-support/hostile-models.js';
import { trainerSlots } from '../train/trainer-process.js';
import { TrainerProcess } from '../train/trainer-process.js';
import { addressSpaceCapper, type WorkerChannel, type WorkerLauncher, WorkerSlots } from '../worker-process.js';
import { probeModel } from './probe-session.js';
import { probeInWorker } from './probe.js';

const work = mkdtempSync(join(tmpdir(), 'graft-probe-limits-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('probe memory', () => {
  it('refuses a 1x3x30000x30000 input before allocating it (it reached 8 GB)', async () => {
    const path = join(work, 'huge-input.onnx');
    writeFileSync(path, reluModel([1, 3, 30000, 30000]));
    const before = process.memoryUsage().rss;
    const r = await probeModel(path);
    expect(r.ok).toBe(false);
    expect(r.error).toBe('not run: one sample needs 2,700,000,000 input elements (input "x" is 1x3x30000x30000), over the probe\'s limit of 67,108,864');
    expect(process.memoryUsage().rss - before).toBeLessThan(512 << 20);
  });

  it('still runs an ordinary input', async () => {
    const path = join(work, 'small-input.onnx');
    writeFileSync(path, reluModel([1, 3, 224, 224]));
    const r = await probeModel(path);
    expect(r.ok, r.error ?? '').toBe(true);
    expect(r.outputs[0].shape).toEqual([1, 3, 224, 224]);
  });
});

/** A launcher whose workers answer after `delayMs`, counting how many are alive at once. */
function countingLauncher(delayMs: number) {
  const stats = { alive: 0, peak: 0, launched: 0 };
  const launcher: WorkerLauncher = () => {
    stats.alive++;
    stats.launched++;
    stats.peak = Math.max(stats.peak, stats.alive);
    let onMessage: (m: unknown) => void = () => {};
    let onExit: (code: number | null, signal: string | null) => void = () => {};
    let exited = false;
    const exit = () => {
      if (exited) return;
      exited = true;
      stats.alive--;
      onExit(0, null);
    };
    const channel: WorkerChannel = {
      send: () => setTimeout(() => onMessage({ ok: true, outputs: [], millis: 1, error: null }), delayMs),
      onMessage: (l) => (onMessage = l),
      onExit: (l) => (onExit = l),
      kill: () => setTimeout(exit, 1),
    };
    return channel;
  };
  return { launcher, stats };
}

describe('probe native memory', () => {
  // onnxruntime's tensors are native memory, outside the JavaScript heap cap: only the
  // address-space limit (prlimit) stops a model whose one sample needs gigabytes.
  it.skipIf(addressSpaceCapper() === null)('refuses a model whose one sample needs 4 GiB, under a 3 GiB cap, by name', async () => {
    const path = join(work, 'outer-product.onnx');
    writeFileSync(path, outerProductModel(32768));
    const r = await probeInWorker(path, { addressSpaceMb: 3072 });
    expect(r.ok).toBe(false);
    expect(r.error).toBe("not run: the model needs more than 3 GiB of memory to run one sample (the probe's limit)");
  });

  it.skipIf(addressSpaceCapper() === null)('runs an ordinary model under the cap', async () => {
    const path = join(work, 'outer-small.onnx');
    writeFileSync(path, outerProductModel(1024));
    const r = await probeInWorker(path, { addressSpaceMb: 3072 });
    expect(r.error).toBeNull();
    expect(r.outputs[0].shape).toEqual([1024, 1024]);
  });
});

describe('worker caps', () => {
  it('at most 2 probe processes at once; the rest wait in line and all answer', async () => {
    const { launcher, stats } = countingLauncher(30);
    const results = await Promise.all(Array.from({ length: 10 }, () => probeInWorker('/nowhere.onnx', { launcher })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(stats.launched).toBe(10);
    expect(stats.peak).toBeLessThanOrEqual(2);
  });

  it('a probe past a full queue is refused with a sentence', async () => {
    const { launcher } = countingLauncher(50);
    const results = await Promise.all(Array.from({ length: 40 }, () => probeInWorker('/nowhere.onnx', { launcher })));
    const refused = results.filter((r) => !r.ok);
    expect(refused.length).toBe(40 - 2 - 32);
    expect(refused[0].error).toMatch(/^2 model probes are running and 32 more are waiting; try again when they are done$/);
  });

  it('a fifth concurrent training run is refused by name, and a slot frees when a run ends', async () => {
    const { launcher, stats } = countingLauncher(10_000);
    const runs = Array.from({ length: 4 }, () => TrainerProcess.start({} as never, () => {}, launcher));
    expect(trainerSlots.inUse).toBe(4);
    expect(() => TrainerProcess.start({} as never, () => {}, launcher)).toThrow('4 training runs are already running; wait for one to finish or stop one');
    expect(stats.launched).toBe(4);
    runs[0].kill();
    await runs[0].exited;
    const fifth = TrainerProcess.start({} as never, () => {}, launcher);
    for (const r of [...runs.slice(1), fifth]) r.kill();
    await Promise.all([...runs, fifth].map((r) => r.exited));
    expect(trainerSlots.inUse).toBe(0);
  });

  it('WorkerSlots hands a released slot to the next in line', async () => {
    const slots = new WorkerSlots('things', 1, 5);
    const first = await slots.acquire();
    let second = false;
    const waiting = slots.acquire().then((release) => {
      second = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    first();
    (await waiting)();
    expect(second).toBe(true);
    expect(slots.inUse).toBe(0);
  });
});
