// `graft` started from a folder that is not the repository (as after `npm link`): the
// worker processes must still find their TypeScript loader, so runs train and probes probe.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../core/onnx/codec.js';
import { sequenceModel } from '../core/templates/sequence.js';
import { repoRoot } from '../test-support/fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'graft-elsewhere-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs bin/graft.js with the current folder set to a fresh temporary folder. */
function graftFrom(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/graft.js'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

describe('graft from outside the repository', () => {
  const model = join(work, 'tiny.onnx');
  writeFileSync(model, encodeModel(sequenceModel({ inputSize: 2, cell: 'GRU', hiddenSize: 4, layers: 1, direction: 'forward', steps: 3, outputs: 2, head: 'last', seed: 1 })));

  it('trains (the trainer process starts) with cwd set to a temporary folder', () => {
    const csv = join(work, 'tiny.csv');
    const rows = ['a0,b0,a1,b1,a2,b2,label'];
    for (let i = 0; i < 40; i++) rows.push(`${i % 2},0.5,${i % 3},0.1,0.2,${(i % 5) / 5},${i % 2}`);
    writeFileSync(csv, rows.join('\n'));
    const run = graftFrom(work, ['train', '--model', model, '--data', csv, '--head', 'keep', '--strategy', 'full', '--epochs', '1', '--batch', '8', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!).event).toBe('done');
  });

  it('probes (the probe process starts) with cwd set to a temporary folder', () => {
    const run = graftFrom(work, ['inspect', '--json', model]);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).probe.ok).toBe(true);
  });
});
