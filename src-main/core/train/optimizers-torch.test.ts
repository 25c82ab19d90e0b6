// The compiled optimizers against torch.optim itself: a few steps from identical weights in
// both, final weights compared (skipped where /usr/bin/python3 has no torch).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BATCH, compiled, type Net, NAMES, releaseSessions, runStep, SHAPES, smallNet, type StepOptions, type Tensors, zeroState } from '../../test-support/optimizer-net.js';
import { adamw, type AdamWOptions, sgd, type SgdOptions } from './optimizers.js';

afterAll(releaseSessions);

// ---- against PyTorch itself ---------------------------------------------------------------

const PYTHON = '/usr/bin/python3';
const torchAvailable = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const torchScript = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'torch_reference.py');

interface TorchRun extends StepOptions {
  optimizer: 'sgd' | 'adamw';
  options: SgdOptions & AdamWOptions;
}

const TORCH_RUNS: TorchRun[] = [
  { optimizer: 'sgd', options: {}, lrs: [0.1, 0.05, 0.2] },
  { optimizer: 'sgd', options: { momentum: 0.9, weightDecay: 0.01 }, lrs: [0.1, 0.05, 0.2] },
  { optimizer: 'sgd', options: { momentum: 0.8, dampening: 0.3 }, lrs: [0.1, 0.05, 0.2] },
  { optimizer: 'sgd', options: { momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, lrs: [0.1, 0.05, 0.2] },
  { optimizer: 'sgd', options: { momentum: 0.9 }, lrs: [0.1, 0.05, 0.2], clipNorm: 0.05, lrMultipliers: { w1: 0.1, b2: 3 } },
  { optimizer: 'adamw', options: {}, lrs: [0.01, 0.005, 0.02] },
  { optimizer: 'adamw', options: { beta1: 0.85, beta2: 0.995, weightDecay: 0.1 }, lrs: [0.01, 0.005, 0.02] },
  { optimizer: 'adamw', options: {}, lrs: [0.01, 0.005, 0.02], clipNorm: 0.05, lrMultipliers: { w1: 0.1, b2: 3 } },
];

async function trainHere(net: Net, run: TorchRun): Promise<Tensors> {
  const train = await compiled(net, run.optimizer === 'sgd' ? sgd(run.options) : adamw(run.options), run);
  let params: Tensors = new Map(net.init);
  let state = zeroState(train.step);
  for (let t = 1; t <= run.lrs.length; t++) {
    ({ params, state } = await runStep(train, net, params, state, run.lrs[t - 1], t));
  }
  return params;
}

function trainInTorch(net: Net, runs: TorchRun[]): Record<string, number[]>[] {
  const dir = mkdtempSync(join(tmpdir(), 'graft-optim-'));
  try {
    const tensor = (data: Float32Array, dims: number[]) => ({ dims, data: Array.from(data) });
    const problem = {
      params: Object.fromEntries(NAMES.map((n) => [n, tensor(net.init.get(n)!, SHAPES[n])])),
      x: tensor(net.x, [BATCH, 4]),
      y: Array.from(net.y, Number),
      runs: runs.map((r) => ({ ...r, clipNorm: r.clipNorm ?? null })),
    };
    writeFileSync(join(dir, 'problem.json'), JSON.stringify(problem));
    const python = spawnSync(PYTHON, [torchScript, join(dir, 'problem.json'), join(dir, 'result.json')], { encoding: 'utf8' });
    if (python.status !== 0) throw new Error(`torch_reference.py failed: ${python.stderr}`);
    return JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Record<string, number[]>[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('optimizers against PyTorch (3 steps from identical weights)', () => {
  it.skipIf(!torchAvailable)(
    torchAvailable ? 'final weights match torch.optim to 1e-5' : `final weights match torch.optim (SKIPPED: ${PYTHON} cannot import torch)`,
    async () => {
      const net = smallNet(11);
      const expected = trainInTorch(net, TORCH_RUNS);
      const errors: string[] = [];
      for (const [i, run] of TORCH_RUNS.entries()) {
        const got = await trainHere(net, run);
        const diff = Math.max(...NAMES.map((n) => Math.max(...got.get(n)!.map((v, k) => Math.abs(v - expected[i][n][k])))));
        errors.push(`${run.optimizer} ${JSON.stringify(run.options)}${run.clipNorm ? ' clip' : ''}: ${diff.toExponential(2)}`);
        expect(diff, JSON.stringify(run)).toBeLessThan(1e-5);
      }
      console.log('optimizer vs PyTorch, max abs weight difference after 3 steps:\n  ' + errors.join('\n  '));
    },
  );
});
