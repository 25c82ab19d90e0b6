import type { ProbeResult } from '../../api/contract.js';
import type { DeviceReport } from '../../api/training.js';
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

let devices: Promise<DeviceReport[]> | null = null;

/**
 * The execution providers that work here, asked once per studio process of a probe worker
 * (the trainer probes again in its own process when a run starts).
 */
export function devicesInWorker(opts: ProbeOptions = {}): Promise<DeviceReport[]> {
  devices ??= requestOnce<DeviceReport[]>(opts.launcher ?? forkLauncher, workerEntry('probe'), { devices: true }, opts.timeoutMs ?? 60_000, 'the device probe').catch((e: Error) => {
    devices = null; // a failed probe may work next time (a driver was installed)
    return [{ device: 'cpu', available: true, reason: null }, ...(['webgpu', 'cuda'] as const).map((device) => ({ device, available: false, reason: `the device probe failed: ${e.message}` }))];
  });
  return devices;
}
