// `graft gradients` as a user runs it: files in the fixtures' layout, PyTorch's numbers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTensor } from '../core/onnx/tensor.js';
import { fixturePath, readGolden, readTensorFile, repoRoot } from '../test-support/fixtures.js';
import { trainConfigFromArgs } from './train.js';

const out = mkdtempSync(join(tmpdir(), 'graft-gradients-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function graft(args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/graft.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('graft gradients', () => {
  it('writes loss.json and one TensorProto per trainable parameter, equal to PyTorch', () => {
    const f = (file: string) => fixturePath('bn_inference', file);
    const run = graft(['gradients', '--model', f('model.onnx'), '--input', f('input.pb'), '--labels', f('labels.pb'), '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const golden = readGolden('bn_inference');
    expect(JSON.parse(readFileSync(join(out, 'loss.json'), 'utf8')).loss).toBeCloseTo(golden.loss, 5);
    const files = readdirSync(join(out, 'grads')).sort();
    expect(files).toEqual(readdirSync(fixturePath('bn_inference', 'grads')).sort());
    for (const file of files) {
      const got = readTensor(readTensorFile(join(out, 'grads', file))) as Float32Array;
      const want = readTensor(readTensorFile(f(`grads/${file}`))) as Float32Array;
      want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(w)));
    }
  });

  it('trains only the named blocks and refuses an unknown one', () => {
    const f = (file: string) => fixturePath('bn_inference', file);
    const dir = join(out, 'head');
    const run = graft(['gradients', '--model', f('model.onnx'), '--input', f('input.pb'), '--labels', f('labels.pb'), '--trainable', 'fc', '--out', dir]);
    expect(run.status).toBe(0);
    expect(readdirSync(join(dir, 'grads')).sort()).toEqual(['fc.bias.pb', 'fc.weight.pb']);
    const bad = graft(['gradients', '--model', f('model.onnx'), '--input', f('input.pb'), '--labels', f('labels.pb'), '--trainable', 'layer9', '--out', dir]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^graft: no block "layer9" in this model \(top-level blocks: features, pool, fc\)$/);
  });

  it('--batchnorm batch gives model.train() gradients and writes the running statistics after the step', () => {
    const dir = join(repoRoot, 'src-main/core/train/testdata/batchnorm_net');
    const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { train: { loss: number; running: Record<string, number[]> } };
    const to = join(out, 'bn');
    const run = graft(['gradients', '--model', join(dir, 'model.onnx'), '--input', join(dir, 'input.pb'), '--labels', join(dir, 'labels.pb'), '--batchnorm', 'batch', '--out', to]);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(to, 'loss.json'), 'utf8')).loss).toBeCloseTo(golden.train.loss, 5);
    expect(run.stderr).toMatch(/4 BatchNormalization nodes in the trainable part/);
    for (const [stat, want] of Object.entries(golden.train.running)) {
      const got = readTensor(readTensorFile(join(to, 'running', `${stat}.pb`))) as Float32Array;
      want.forEach((w, i) => expect(Math.abs(got[i] - w), stat).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(w)));
    }
    const bad = graft(['gradients', '--model', join(dir, 'model.onnx'), '--input', join(dir, 'input.pb'), '--labels', join(dir, 'labels.pb'), '--batchnorm', 'train', '--out', to]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--batchnorm must be frozen or batch, not "train"/);
  });
});

describe('graft train --batchnorm', () => {
  const args = (...more: string[]) => trainConfigFromArgs(['--model', 'm.onnx', '--data', 'd', ...more]).config.batchnorm;
  it('defaults per strategy (frozen over a pretrained body, batch when every layer moves) and follows the flag', () => {
    expect(args()).toBe('frozen');
    expect(args('--strategy', 'fine-tune:2')).toBe('frozen');
    expect(args('--strategy', 'full')).toBe('batch');
    expect(args('--strategy', 'scratch')).toBe('batch');
    expect(args('--strategy', 'fine-tune', '--batchnorm', 'batch')).toBe('batch');
    expect(args('--strategy', 'scratch', '--batchnorm', 'frozen')).toBe('frozen');
    expect(() => args('--batchnorm', 'eval')).toThrow(/--batchnorm must be frozen or batch/);
  });
});
