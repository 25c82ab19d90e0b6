// Choosing where a run computes: `auto` takes the fastest provider that really works here, an
// explicit one that does not work says why, and the CLI passes both through. On a machine
// without a GPU (CI) the GPU providers are the "does not work" case.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGraftError } from '../../core/errors.js';
import { defaultModelPath } from '../resources.js';
import { repoRoot } from '../../test-support/fixtures.js';
import { probeDevices, resolveDevice } from './devices.js';

describe('devices', () => {
  it('probes every provider: the CPU always works, and a missing one carries its reason', async () => {
    const reports = await probeDevices();
    expect(reports.map((r) => r.device)).toEqual(['cpu', 'webgpu', 'cuda']);
    expect(reports[0]).toEqual({ device: 'cpu', available: true, reason: null });
    for (const r of reports) {
      if (r.available) expect(r.reason).toBeNull();
      else expect(r.reason!.length).toBeGreaterThan(10);
    }
  });

  it('auto picks cuda, then webgpu, then the CPU: the first that works', async () => {
    const reports = await probeDevices();
    const works = (d: string) => reports.find((r) => r.device === d)!.available;
    const expected = works('cuda') ? 'cuda' : works('webgpu') ? 'webgpu' : 'cpu';
    const { device, note } = await resolveDevice('auto');
    expect(device).toBe(expected);
    expect(note).toMatch(new RegExp(`^device ${expected} \\(auto`));
    const faster = ['cuda', 'webgpu', 'cpu'].slice(0, ['cuda', 'webgpu', 'cpu'].indexOf(expected));
    for (const d of faster) expect(note).toContain(d);
  });

  it('an explicit provider that does not work is refused with its reason', async () => {
    const missing = (await probeDevices()).filter((r) => !r.available);
    for (const r of missing) {
      const err = await resolveDevice(r.device).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isGraftError(err) && err.code).toBe('device-unavailable');
      expect((err as Error).message).toBe(`device ${r.device} is not available: ${r.reason}; use --device cpu or auto`);
    }
    expect((await resolveDevice('cpu')).device).toBe('cpu');
  });

  it('graft train --device: a provider that does not work stops the run with that sentence', async () => {
    const missing = (await probeDevices()).find((r) => !r.available);
    if (!missing) return; // every provider works on this machine: nothing to refuse
    const run = spawnSync(process.execPath, [join(repoRoot, 'bin/graft.js'), 'train', '--model', defaultModelPath, '--data', 'task:adding?length=5', '--head', 'keep', '--device', missing.device], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`device ${missing.device} is not available: ${missing.reason}`);
    const bad = spawnSync(process.execPath, [join(repoRoot, 'bin/graft.js'), 'train', '--model', defaultModelPath, '--data', 'x', '--device', 'tpu'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--device must be one of auto, cpu, webgpu, cuda, not "tpu"/);
  }, 120_000);
});
