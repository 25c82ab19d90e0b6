// `graft train --json` and `graft eval` as a user runs them, on Debian's Fashion-MNIST.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath, repoRoot } from '../test-support/fixtures.js';
import { defaultModelPath } from '../node/resources.js';
import { decodeModel, encodeModel } from '../core/onnx/codec.js';
import { sequenceModel } from '../core/templates/sequence.js';

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

  it('trains an LSTM on images read row by row (sequential Fashion-MNIST)', () => {
    const model = join(out, 'rows.onnx');
    writeFileSync(model, encodeModel(sequenceModel({ inputSize: 28, cell: 'LSTM', hiddenSize: 32, layers: 1, direction: 'forward', steps: 28, outputs: 3, head: 'last', seed: 3 })));
    const run = graft(['train', '--model', model, '--data', DATA, '--classes', '0,1,8', '--per-class', '100', '--val-fraction', '0.05', '--head', 'keep', '--strategy', 'full', '--epochs', '3', '--optimizer', 'adamw', '--lr', '0.01', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.event === 'gradflow').layers[0].norms).toHaveLength(28);
    // T-shirt, trouser and bag: far above the 33% of guessing.
    expect(events[events.length - 1].bestValAccuracy).toBeGreaterThan(0.6);
  });

  it('refuses a bad option with a usage line and exit code 2', () => {
    const run = graft(['train', '--model', defaultModelPath, '--data', DATA, '--optimizer', 'rmsprop']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--optimizer must be sgd or adamw/);
  });
});

describe('sequences from CSV files', () => {
  // Label: does the first feature sum to more than zero over the sequence?
  function sequences(n: number, steps: number): { x: number[][][]; y: number[] } {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const x = Array.from({ length: n }, () => Array.from({ length: steps }, () => [rand(), rand()]));
    return { x, y: x.map((s) => (s.reduce((a, v) => a + v[0], 0) > 0 ? 1 : 0)) };
  }
  const model = join(out, 'csv-lstm.onnx');
  const T = 8;

  function train(csv: string) {
    writeFileSync(model, encodeModel(sequenceModel({ inputSize: 2, cell: 'GRU', hiddenSize: 16, layers: 1, direction: 'forward', steps: T, outputs: 2, head: 'last', seed: 2 })));
    return graft(['train', '--model', model, '--data', csv, '--head', 'keep', '--strategy', 'full', '--epochs', '8', '--batch', '16', '--optimizer', 'adamw', '--lr', '0.02', '--json']);
  }

  it('trains on long format (sample,time,feature...,label) and on one row per sample', () => {
    const { x, y } = sequences(240, T);
    const long = join(out, 'long.csv');
    const rows = ['sample,time,a,b,label'];
    // Rows shuffled in time within each sample: the adapter orders them by the time column.
    x.forEach((s, i) => [...s.keys()].reverse().forEach((t) => rows.push(`${i},${t},${s[t][0]},${s[t][1]},${y[i]}`)));
    writeFileSync(long, rows.join('\n'));
    const wide = join(out, 'wide.csv');
    const header = [...Array.from({ length: T }, (_, t) => [`a${t}`, `b${t}`]).flat(), 'label'].join(',');
    writeFileSync(wide, [header, ...x.map((s, i) => [...s.flat(), y[i]].join(','))].join('\n'));
    for (const csv of [long, wide]) {
      const run = train(csv);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const done = JSON.parse(run.stdout.trim().split('\n').pop()!);
      expect(done.bestValAccuracy, csv).toBeGreaterThan(0.75);
    }
  });

  it('swaps the LSTM fixture\'s cell to GRU and to RNN, trains, exports, and the export reloads', async () => {
    // The fixture reads [N, 12, 8] and predicts 3 classes: the class is where feature 0 peaks.
    let seed = 5;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const rows = ['sample,time,' + Array.from({ length: 8 }, (_, f) => `f${f}`).join(',') + ',label'];
    for (let i = 0; i < 150; i++) {
      const label = i % 3;
      for (let t = 0; t < 12; t++) {
        const f = Array.from({ length: 8 }, () => rand() * 0.3);
        if (Math.floor(t / 4) === label) f[0] += 1;
        rows.push(`${i},${t},${f.join(',')},${label}`);
      }
    }
    const csv = join(out, 'peaks.csv');
    writeFileSync(csv, rows.join('\n'));
    for (const cell of ['gru', 'rnn']) {
      const exported = join(out, `swapped-${cell}.onnx`);
      const run = graft(['train', '--model', fixturePath('lstm_classifier'), '--data', csv, '--swap-cell', cell, '--head', 'keep', '--strategy', 'full', '--epochs', '4', '--optimizer', 'adamw', '--lr', '0.01', '--export', exported, '--json']);
      expect(run.status, run.stdout.slice(-400)).toBe(0);
      const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(events.find((e) => e.event === 'export').verified).toBe(true);
      const reloaded = decodeModel(readFileSync(exported), exported);
      const ops = reloaded.graph!.node.map((n) => n.opType);
      expect(ops).toContain(cell.toUpperCase());
      expect(ops).not.toContain('LSTM');
      const session = await ort.InferenceSession.create(exported);
      const x = new ort.Tensor('float32', new Float32Array(2 * 12 * 8), [2, 12, 8]);
      expect((await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]].dims).toEqual([2, 3]);
    }
  });

  it('refuses sequences of different lengths, naming the sample', () => {
    const bad = join(out, 'ragged.csv');
    writeFileSync(bad, ['sample,time,a,b,label', '0,0,1,2,0', '0,1,1,2,0', '1,0,3,4,1'].join('\n'));
    const run = train(bad);
    expect(run.status).toBe(1);
    const error = run.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'error');
    expect(error.message).toMatch(/sample 1 has 1 time steps, sample 0 has 2; sequences must have one length/);
  });
});
