import type { ProbeResult } from '../../api/contract.js';
import type { DeviceReport } from '../../api/training.js';
import { addressSpaceCapper, forkLauncher, requestOnce, type WorkerLauncher, WorkerError, WorkerSlots, workerEntry } from '../worker-process.js';

/** The probe's JavaScript heap; the model's bytes and onnxruntime's tensors live outside it. */
const PROBE_HEAP_MB = 2048;
/**
 * The probe's whole address space, native memory included: onnxruntime's tensors, the model
 * twice (our bytes and the runtime's copy) and Node's own reservations (about 1.6 GiB under tsx).
 */
export const PROBE_ADDRESS_SPACE_MB = 8192;

/** Probes at once (each a process with onnxruntime and the model); more wait in line. */
export const probeSlots = new WorkerSlots('model probes', 2, 32);

export interface ProbeOptions {
  launcher?: WorkerLauncher;
  timeoutMs?: number;
  /** The address-space cap in MiB (PROBE_ADDRESS_SPACE_MB unless a test asks for less). */
  addressSpaceMb?: number;
}

/** What running out of the capped address space looks like from onnxruntime or from V8. */
const OUT_OF_MEMORY = /fail(ed)? to allocate|bad_alloc|out of memory|allocation failed|cannot allocate/i;

/** A failure under the memory cap, in the words of that cap; anything else as it came. */
function memoryRefusal(error: string, crashed: boolean, capMb: number): string {
  const needs = `the model needs more than ${capMb / 1024} GiB of memory to run one sample (the probe's limit)`;
  if (OUT_OF_MEMORY.test(error)) return `not run: ${needs}`;
  return crashed ? `${error}; ${needs}, or onnxruntime failed in another way` : error;
}

/** Probes a model in a separate process; a crash or hang there becomes a failed ProbeResult. */
export async function probeInWorker(path: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const started = performance.now();
  const capMb = opts.addressSpaceMb ?? PROBE_ADDRESS_SPACE_MB;
  // The cap only holds where prlimit applies it (Linux, plain Node); elsewhere failures stay as they are.
  const capped = (opts.launcher ?? forkLauncher) === forkLauncher && addressSpaceCapper() !== null;
  let release: (() => void) | null = null;
  try {
    release = await probeSlots.acquire();
    const result = await requestOnce<ProbeResult>(opts.launcher ?? forkLauncher, workerEntry('probe'), { path }, opts.timeoutMs ?? 120_000, 'the onnxruntime probe', {
      maxHeapMb: PROBE_HEAP_MB,
      maxAddressSpaceMb: capMb,
    });
    return result.ok || !capped || result.error === null ? result : { ...result, error: memoryRefusal(result.error, false, capMb) };
  } catch (e) {
    const message = (e as Error).message;
    const crashed = e instanceof WorkerError && e.code === 'worker-crashed';
    return { ok: false, outputs: [], millis: performance.now() - started, error: capped ? memoryRefusal(message, crashed, capMb) : message };
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
