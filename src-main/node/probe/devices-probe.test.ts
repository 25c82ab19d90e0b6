// The studio's device list comes from a probe worker process (a GPU driver that crashes
// onnxruntime takes down that process, not the studio), and matches what the trainer's own
// probe finds in this process.
import { describe, expect, it } from 'vitest';
import { probeDevices } from '../train/devices.js';
import { devicesInWorker } from './probe.js';

describe('devicesInWorker', () => {
  it('reports every provider from a worker process, as the in-process probe does', async () => {
    const fromWorker = await devicesInWorker();
    expect(fromWorker).toEqual(await probeDevices());
    expect(fromWorker[0]).toEqual({ device: 'cpu', available: true, reason: null });
    // Asked once per studio process: the second call is the same answer without a new worker.
    expect(await devicesInWorker()).toBe(fromWorker);
  }, 60_000);
});
