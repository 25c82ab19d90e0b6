import type { ProbeResult } from '../../api/contract.js';
import { forkLauncher, requestOnce, type WorkerLauncher, workerEntry } from '../worker-process.js';

export interface ProbeOptions {
  launcher?: WorkerLauncher;
  timeoutMs?: number;
}

/** Probes a model in a separate process; a crash or hang there becomes a failed ProbeResult. */
export async function probeInWorker(path: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const started = performance.now();
  try {
    return await requestOnce<ProbeResult>(opts.launcher ?? forkLauncher, workerEntry('probe'), { path }, opts.timeoutMs ?? 120_000, 'the onnxruntime probe');
  } catch (e) {
    return { ok: false, outputs: [], millis: performance.now() - started, error: (e as Error).message };
  }
}
