// `graft train --json` and `graft eval` as a user runs them, on Debian's Fashion-MNIST.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../test-support/fixtures.js';
import { defaultModelPath } from '../node/resources.js';

const DATA = '/usr/share/datasets/fashion-mnist';
const out = mkdtempSync(join(tmpdir(), 'graft-cli-train-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function graft(args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/graft.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe.skipIf(!existsSync(DATA))('graft train and graft eval (needs dataset-fashion-mnist)', () => {
  it('streams JSON events ending in "done", exports, and the export evaluates the same', () => {
    const exported = join(out, 'transfer.onnx');
    const run = graft(['train', '--model', defaultModelPath, '--data', DATA, '--classes', '5,6,7,8,9', '--per-class', '20', '--strategy', 'feature-extraction', '--epochs', '2', '--export', exported, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const done = events[events.length - 1];
    expect(done.event).toBe('done');
    for (const key of ['bestValLoss', 'bestValAccuracy', 'trainSeconds', 'trainableParams', 'totalParams', 'exported']) expect(done).toHaveProperty(key);
    expect(done.exported).toBe(exported);
    expect(done.trainableParams).toBeLessThan(done.totalParams);
    expect(events.find((e) => e.event === 'start').cache).toBe('on');
    expect(events.find((e) => e.event === 'export').verified).toBe(true);
    const test = events.find((e) => e.event === 'evaluation');

    const ev = graft(['eval', '--model', exported, '--data', DATA, '--classes', '5,6,7,8,9', '--json']);
    expect(ev.status).toBe(0);
    const e = JSON.parse(ev.stdout);
    expect(e.samples).toBe(5000);
    expect(e.accuracy).toBeCloseTo(test.accuracy, 6);
    expect(e.classes).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  });

  it('refuses a bad option with a usage line and exit code 2', () => {
    const run = graft(['train', '--model', defaultModelPath, '--data', DATA, '--optimizer', 'rmsprop']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--optimizer must be sgd or adamw/);
  });
});
