import type { ProbeResult } from '../../api/contract.js';
import { forkLauncher, requestOnce, type WorkerLauncher, WorkerSlots, workerEntry } from '../worker-process.js';

/** Probes at once (each a process with onnxruntime and the model); more wait in line. */
/** The probe's JavaScript heap; the model's bytes and onnxruntime's tensors live outside it. */
const PROBE_HEAP_MB = 2048;

export const probeSlots = new WorkerSlots('model probes', 2, 32);

export interface ProbeOptions {
  launcher?: WorkerLauncher;
  timeoutMs?: number;
}

/** Probes a model in a separate process; a crash or hang there becomes a failed ProbeResult. */
export async function probeInWorker(path: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const started = performance.now();
  let release: (() => void) | null = null;
  try {
    release = await probeSlots.acquire();
    return await requestOnce<ProbeResult>(opts.launcher ?? forkLauncher, workerEntry('probe'), { path }, opts.timeoutMs ?? 120_000, 'the onnxruntime probe', { maxHeapMb: PROBE_HEAP_MB });
  } catch (e) {
    return { ok: false, outputs: [], millis: performance.now() - started, error: (e as Error).message };
  } finally {
    release?.();
  }
}
