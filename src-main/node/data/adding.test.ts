import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addingSpec, generateAdding, openAddingDataset, parseAddingSpec } from './adding.js';
import { openDataset } from './open-dataset.js';

const pre = { channels: 1 as const, height: 1, width: 1, resize: 'center-crop' as const, seed: 0 };

describe('adding problem', () => {
  it('has the usual shapes and info', async () => {
    const ds = openAddingDataset({ length: 30, samples: 200, val: 50, test: 40, seed: 1 });
    expect(ds.info.task).toBe('regression');
    expect(ds.info.classes).toBeNull();
    expect(ds.info.inputShape).toEqual([30, 2]);
    expect(ds.info.targetShape).toEqual([1]);
    expect([ds.size('train'), ds.size('val'), ds.size('test')]).toEqual([200, 50, 40]);
    expect(ds.labels('train')).toBeNull();
    const b = await ds.getBatch('train', [3, 7, 199]);
    expect(b.shape).toEqual([3, 30, 2]);
    expect(b.x.length).toBe(3 * 30 * 2);
    expect(b.labels).toBeInstanceOf(Float32Array);
    expect(b.labels.length).toBe(3);
    const s = await ds.get('train', 7);
    expect(Array.from(s.x)).toEqual(Array.from(b.x.subarray(60, 120)));
    expect((s.label as Float32Array)[0]).toBe(b.labels[1]);
  });

  it('marks exactly two steps, one per half, and the target is their sum', () => {
    for (const T of [2, 7, 20, 101]) {
      const { x, y } = generateAdding(T, 300, 5, 'train');
      for (let s = 0; s < 300; s++) {
        const marked: number[] = [];
        let sum = 0;
        for (let t = 0; t < T; t++) {
          const v = x[(s * T + t) * 2];
          const m = x[(s * T + t) * 2 + 1];
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThan(1);
          expect(m === 0 || m === 1).toBe(true);
          if (m === 1) {
            marked.push(t);
            sum += v;
          }
        }
        expect(marked.length).toBe(2);
        expect(marked[0]).toBeLessThan(Math.floor(T / 2));
        expect(marked[1]).toBeGreaterThanOrEqual(Math.floor(T / 2));
        expect(y[s]).toBeCloseTo(sum, 5);
      }
    }
  });

  it('is deterministic by seed, and the splits differ', () => {
    const a = generateAdding(20, 50, 3, 'train');
    const b = generateAdding(20, 50, 3, 'train');
    const c = generateAdding(20, 50, 4, 'train');
    const v = generateAdding(20, 50, 3, 'val');
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
    expect(Array.from(a.x)).not.toEqual(Array.from(v.x));
  });

  it('opens through the registry from a spec', async () => {
    const spec = addingSpec({ length: 12, samples: 64 });
    expect(parseAddingSpec(spec, 9)).toEqual({ length: 12, samples: 64, val: 1000, test: 1000, seed: 9 });
    const ds = await openDataset(spec, pre, { seed: 9 });
    expect(ds.info.inputShape).toEqual([12, 2]);
    expect(ds.size('train')).toBe(64);
    await expect(openDataset('task:adding', pre, { seed: 0 })).rejects.toThrow(/length/);
  });
});

describe('graft train --task adding', () => {
  it('trains a recurrent model and reports gradient flow through time', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const args = ['bin/graft.js', 'train', '--task', 'adding', '--length', '20', '--cell', 'lstm', '--hidden', '16', '--epochs', '2', '--samples', '2000', '--json'];
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
    const done = events[events.length - 1];
    expect(done.event).toBe('done');
    expect(Number.isFinite(done.bestValLoss)).toBe(true);
    const flows = events.filter((e) => e.event === 'gradflow') as unknown as { step: number; layers: { cell: string; norms: number[] }[] }[];
    expect(flows.length).toBeGreaterThanOrEqual(1);
    expect(flows[0].layers[0].cell).toBe('LSTM');
    expect(flows[0].layers[0].norms).toHaveLength(20);
    expect(flows[0].layers[0].norms.every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
  }, 60_000);
});
