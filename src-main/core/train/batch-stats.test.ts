// Batch norm with batch statistics (batch-stats.ts) against PyTorch's model.train(): the loss,
// every gradient and the running statistics after one step, on a network exported with
// TrainingMode.PRESERVE (testdata/make_batchnorm.py; a torchvision ResNet-18 too, made here
// when /usr/bin/python3 has torch). Also central finite differences of the rewritten BN, and
// `frozen` on the same training-mode export against model.eval().
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../ir/graph.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { seededRandom } from '../random.js';
import { floats, input, modelOf, node } from '../shape/test-support.js';
import { readTensorFile } from '../../test-support/fixtures.js';
import { l2 } from '../../test-support/golden-grads.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { type BatchNormMode, batchNormNote } from './batch-stats.js';
import { compileTrainingStep } from './compile.js';
import { graphFromModel } from '../ir/proto.js';
import { readFloats } from '../onnx/tensor.js';
import { reinitializeParameters } from './reinit.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const PYTHON = '/usr/bin/python3';

interface Golden {
  loss: number;
  params: Record<string, { shape: number[]; grad: number[] }>;
  running?: Record<string, number[]>;
}

interface Fixture {
  model: ModelProto;
  input: ort.Tensor;
  labels: ort.Tensor;
  golden: { train: Golden; eval: Golden };
}

function readFixture(dir: string): Fixture {
  return {
    model: decodeModel(readFileSync(join(dir, 'model.onnx')), dir),
    input: ortTensor(readTensorFile(join(dir, 'input.pb'))),
    labels: ortTensor(readTensorFile(join(dir, 'labels.pb'))),
    golden: JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as Fixture['golden'],
  };
}

/** |got - want| within 1e-3 absolute plus 1e-3 relative (the fixtures' tolerance), per element. */
function expectClose(got: ArrayLike<number>, want: number[], what: string, tol = 1e-3): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  want.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i] - v) - tol * Math.abs(v))));
  expect(worst, what).toBeLessThanOrEqual(tol);
}

async function expectMatchesTorch(f: Fixture, mode: BatchNormMode): Promise<void> {
  const golden = mode === 'batch' ? f.golden.train : f.golden.eval;
  const step = compileTrainingStep(f.model, { trainable: 'all', loss: 'cross-entropy', optimizer: null, batchnorm: mode });
  const feeds: Record<string, ort.Tensor> = { [step.data]: f.input, [step.target]: f.labels };
  for (const [n, t] of [...step.initialParams, ...step.initialRunningStats]) feeds[n] = ortTensor(t);
  const out = await runOrt(encodeModel(step.model), feeds);
  expect(Math.abs((out[step.loss].data as Float32Array)[0] - golden.loss) / golden.loss, 'loss').toBeLessThan(1e-5);
  expect(step.gradOutputs.size).toBe(Object.keys(golden.params).length);
  for (const [param, output] of step.gradOutputs) {
    const want = golden.params[param];
    expect(want, `${param} is a PyTorch parameter`).toBeDefined();
    const got = out[output].data as Float32Array;
    // A bias right before a batch-statistics BN has a zero gradient (the mean takes it out): both are rounding noise.
    if (l2(want.grad) > 1e-4) expect(Math.abs(l2(got) - l2(want.grad)) / l2(want.grad), `norm of ${param}`).toBeLessThan(1e-3);
    expectClose(got, want.grad, `gradient of ${param}`);
  }
  if (mode === 'frozen') return expect(step.runningStats).toEqual([]);
  const running = golden.running!;
  expect(new Set(step.runningStats)).toEqual(new Set(Object.keys(running)));
  for (const [stat, output] of step.updatedRunningStats) expectClose(out[output].data as Float32Array, running[stat], `running statistic ${stat}`, 1e-4);
}

describe('batch statistics on a small Conv/BN network exported in training mode', () => {
  const f = readFixture(join(testdata, 'batchnorm_net'));

  it('from scratch resets running statistics to mean 0 and variance 1, as reset_parameters does', () => {
    const graph = graphFromModel(f.model, 'net');
    reinitializeParameters(graph, 1);
    for (const bn of ['bn1', 'bn2', 'bn3', 'bn4']) {
      expect(Array.from(readFloats(graph.value(`${bn}.running_mean`).initializer!)).every((v) => v === 0), bn).toBe(true);
      expect(Array.from(readFloats(graph.value(`${bn}.running_var`).initializer!)).every((v) => v === 1), bn).toBe(true);
    }
  });

  it("batch: gradients and running statistics after the step are PyTorch's model.train()", () => expectMatchesTorch(f, 'batch'));

  it("frozen: the same training-mode export trains on running statistics, as PyTorch's model.eval()", () => expectMatchesTorch(f, 'frozen'));

  it('only the BNs a trainable parameter reaches use batch statistics', () => {
    // fc2 alone trains: every BN lies before it (frozen features), none is rewritten.
    const head = compileTrainingStep(f.model, { trainable: new Set(['fc2.weight', 'fc2.bias']), loss: 'cross-entropy', optimizer: null, batchnorm: 'batch' });
    expect(head.batchNorms).toEqual({ total: 4, batch: 0 });
    // bn4's own scale trains: bn4 alone uses its batch's statistics.
    const bn4 = compileTrainingStep(f.model, { trainable: new Set(['bn4.weight']), loss: 'cross-entropy', optimizer: null, batchnorm: 'batch' });
    expect(bn4.runningStats.sort()).toEqual(['bn4.running_mean', 'bn4.running_var']);
  });
});

const torchAvailable = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0;
if (!torchAvailable) console.log(`skipped: the ResNet-18 batch-statistics check needs ${PYTHON} with torch and torchvision`);

describe.skipIf(!torchAvailable)('batch statistics on torchvision ResNet-18 (TrainingMode.PRESERVE), made by PyTorch here', () => {
  it("batch: gradients and running statistics are PyTorch's model.train()", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-bn-resnet-'));
    try {
      const made = spawnSync(PYTHON, [join(testdata, 'make_batchnorm.py'), dir, 'resnet18'], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      await expectMatchesTorch(readFixture(dir), 'batch');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the rewritten batch norm against finite differences', () => {
  // x [4, 3, 5, 5] -> Conv(w) -> BN(gamma, beta) -> GlobalAveragePool -> Flatten -> Gemm(head):
  // smooth everywhere, so central differences of the step's own loss are a sound oracle.
  function net(): ModelProto {
    const rand = seededRandom(7);
    const values = (n: number, scale = 1) => Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
    const g = new Graph('bn-fd');
    const x = input(g, 'x', ['N', 3, 5, 5]);
    const [conv] = node(g, 'Conv', [x, floats(g, 'w', values(2 * 3 * 9, 0.5), [2, 3, 3, 3])], { pads: [1, 1, 1, 1] });
    const [bn] = node(g, 'BatchNormalization', [conv, floats(g, 'gamma', [1.3, 0.7]), floats(g, 'beta', [0.2, -0.1]), floats(g, 'mean', [0.5, -0.5]), floats(g, 'var', [2, 0.5])]);
    const [pooled] = node(g, 'GlobalAveragePool', [bn]);
    const [flat] = node(g, 'Flatten', [pooled]);
    const [logits] = node(g, 'Gemm', [flat, floats(g, 'head', values(6), [3, 2])], { transB: 1 });
    g.outputs.push(logits);
    return modelOf(g, 14);
  }

  it('dLoss/dw, dgamma and dbeta match central differences', async () => {
    const model = net();
    const step = compileTrainingStep(model, { trainable: new Set(['w', 'gamma', 'beta']), loss: 'cross-entropy', optimizer: null, batchnorm: 'batch' });
    expect(step.batchNorms.batch).toBe(1);
    const rand = seededRandom(11);
    const x = makeTensor('x', DataType.FLOAT, [4, 3, 5, 5], Float32Array.from({ length: 300 }, () => rand() * 4 - 1));
    const labels = makeTensor('y', DataType.INT64, [4], BigInt64Array.from([0n, 2n, 1n, 2n]));
    const bytes = encodeModel(step.model);
    const params = new Map([...step.initialParams].map(([n, t]) => [n, ortTensor(t)]));
    const run = async (p: Map<string, ort.Tensor>) => {
      const feeds: Record<string, ort.Tensor> = { [step.data]: ortTensor(x), [step.target]: ortTensor(labels) };
      for (const [n, t] of [...p, ...[...step.initialRunningStats].map(([k, v]) => [k, ortTensor(v)] as const)]) feeds[n] = t;
      return runOrt(bytes, feeds);
    };
    const analytic = await run(params);
    const h = 1e-2;
    for (const [name, output] of step.gradOutputs) {
      const base = params.get(name)!;
      const grad = analytic[output].data as Float32Array;
      const n = base.data.length;
      let worst = 0;
      let largest = 0;
      for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 12))) {
        const loss = async (d: number) => {
          const data = Float32Array.from(base.data as Float32Array);
          data[i] += d;
          const p = new Map(params).set(name, new (base.constructor as typeof ort.Tensor)('float32', data, base.dims));
          return ((await run(p))[step.loss].data as Float32Array)[0];
        };
        const numeric = ((await loss(h)) - (await loss(-h))) / (2 * h);
        largest = Math.max(largest, Math.abs(numeric));
        worst = Math.max(worst, Math.abs(numeric - grad[i]));
      }
      expect(largest, `${name}: a gradient worth checking`).toBeGreaterThan(1e-3);
      expect(worst / largest, `${name}: |analytic - numeric| relative to the largest`).toBeLessThan(1e-2);
    }
  });
});

describe('what a run is told about its batch norm', () => {
  it('a folded model asked for batch statistics is told it has none, and frozen says how many it has', () => {
    expect(batchNormNote('batch', 0, 0)).toMatch(/no BatchNormalization nodes \(batch norm was folded/);
    expect(batchNormNote('frozen', 0, 0)).toBeNull();
    expect(batchNormNote('frozen', 20, 0)).toMatch(/20 BatchNormalization nodes normalise with their running statistics/);
    expect(batchNormNote('batch', 20, 5)).toMatch(/5 BatchNormalization nodes in the trainable part.*15 before it see frozen features/);
  });
});
