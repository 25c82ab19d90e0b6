// Where a run computes: onnxruntime's execution providers. onnxruntime-node ships the CPU and
// WebGPU providers and loads CUDA's when its libraries are installed; which of them work on
// this machine is only known by trying, so each is probed once per process with a tiny session,
// and the reason a provider is missing (no adapter, no libraries) is kept for the user.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DEVICES, type Device, type DeviceChoice, type DeviceReport } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import { graphInput, newModel } from '../../core/ir/builder.js';
import { Emitter } from '../../core/ir/emitter.js';
import { Graph } from '../../core/ir/graph.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { QUIET_SESSION } from '../runtime-errors.js';

export { DEVICES, type Device, type DeviceChoice, type DeviceReport } from '../../api/training.js';

/** `auto` tries the fastest first. */
const AUTO_ORDER: readonly Device[] = ['cuda', 'webgpu', 'cpu'];

function probeModel(): Uint8Array {
  const g = new Graph('probe');
  const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: [2] });
  const y = new Emitter(g, 17).op('Relu', [x]);
  g.outputs.push(y);
  return encodeModel(newModel(g, { opset: 17 }));
}

/** onnxruntime's failure as a sentence a user can act on. */
function whyMissing(device: Device, message: string): string {
  if (device === 'webgpu' && /adapter/i.test(message)) return 'no WebGPU adapter on this machine (no GPU, or no driver with Vulkan, Metal or Direct3D 12)';
  if (device === 'cuda' && /shared library|providers_shared|libcudart|libcudnn|cannot open/i.test(message)) {
    return "onnxruntime's CUDA provider is not installed (it needs an NVIDIA GPU, CUDA 12 and cuDNN 9, and onnxruntime-node installed with --onnxruntime-node-install=cuda12)";
  }
  return message.split('\n')[0].replace(/^.*?\] ?/, '').slice(0, 300);
}

/**
 * On Linux, WebGPU runs on Vulkan: without its loader there is nothing to try, and trying
 * makes the native library print a warning on every run.
 */
function vulkanMissing(): boolean {
  if (process.platform !== 'linux') return false;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/lib'];
  return !dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

let probed: Promise<DeviceReport[]> | null = null;

/** Every provider, tried once per process. */
export function probeDevices(): Promise<DeviceReport[]> {
  probed ??= (async () => {
    // A provider that fails to load logs through onnxruntime's process-wide logger, not the
    // session's: keep that red C++ line off the user's terminal (the reason is kept below).
    ort.env.logLevel = 'fatal';
    const bytes = probeModel();
    const out: DeviceReport[] = [];
    for (const device of DEVICES) {
      if (device === 'webgpu' && vulkanMissing()) {
        out.push({ device, available: false, reason: 'no Vulkan loader (libvulkan.so.1) on this machine, so no WebGPU adapter' });
        continue;
      }
      try {
        const s = await ort.InferenceSession.create(bytes, { ...QUIET_SESSION, executionProviders: [device] });
        await s.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 1), [2]) });
        await s.release();
        out.push({ device, available: true, reason: null });
      } catch (e) {
        out.push({ device, available: false, reason: whyMissing(device, (e as Error).message ?? String(e)) });
      }
    }
    return out;
  })();
  return probed;
}

/** The device a run uses: the one asked for, or for `auto` the fastest that works. */
export async function resolveDevice(choice: DeviceChoice): Promise<{ device: Device; note: string }> {
  const reports = await probeDevices();
  if (choice === 'auto') {
    const device = AUTO_ORDER.find((d) => reports.find((r) => r.device === d)?.available) ?? 'cpu';
    // Only the providers that would have been faster are worth a word.
    const skipped = AUTO_ORDER.slice(0, AUTO_ORDER.indexOf(device)).filter((d) => !reports.find((r) => r.device === d)!.available);
    return { device, note: `device ${device} (auto${skipped.length ? `; ${skipped.join(' and ')} not available here: --device ${skipped[0]} says why` : ''})` };
  }
  const report = reports.find((r) => r.device === choice)!;
  if (!report.available) throw new GraftError('device-unavailable', `device ${choice} is not available: ${report.reason}; use --device cpu or auto`);
  return { device: choice, note: `device ${choice}` };
}
