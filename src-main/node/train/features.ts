// The frozen-prefix cache: the prefix's outputs for every sample, computed once and read back
// each epoch. Kept in memory within a budget; beyond it, written to a scratch file and read
// per batch.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { FrontierValue } from '../../core/train/split.js';
import type { Dataset, Split } from '../data/types.js';

interface Slot {
  name: string;
  /** Per-sample shape (without the batch dimension). */
  shape: number[];
  perSample: number;
  memory: Float32Array | null;
  fileOffset: number;
}

export class FeatureStore {
  private constructor(
    private readonly slots: Slot[],
    readonly count: number,
    private readonly file: { fd: number; path: string } | null,
    readonly bytes: number,
  ) {}

  get spilled(): boolean {
    return this.file !== null;
  }

  /**
   * Runs `prefix` over every sample of `split` in batches. `budgetBytes` bounds the memory the
   * cache may hold; past it the features go to a file in `scratchDir`.
   */
  static async build(
    prefix: ort.InferenceSession,
    dataset: Dataset,
    split: Split,
    frontier: FrontierValue[],
    opts: { batchSize: number; budgetBytes: number; scratchDir: string; dataInput: string; onProgress?: (done: number, total: number) => void },
  ): Promise<{ store: FeatureStore; labels: Int32Array | Float32Array; ids: string[]; indices: number[]; failed: number }> {
    const n = dataset.size(split);
    const slots: Slot[] = frontier.map((f) => {
      const shape = (f.type?.shape ?? []).slice(1).map((d) => (typeof d === 'number' ? d : NaN));
      return { name: f.name, shape, perSample: shape.reduce((a, b) => a * b, 1), memory: null, fileOffset: 0 };
    });
    const total = slots.reduce((s, sl) => s + sl.perSample * n * 4, 0);
    const spill = total > opts.budgetBytes || slots.some((s) => !Number.isFinite(s.perSample));
    let file: { fd: number; path: string } | null = null;
    if (spill) {
      const path = join(opts.scratchDir, `features-${split}-${process.pid}-${Date.now()}.bin`);
      file = { fd: openSync(path, 'w+'), path };
      let offset = 0;
      for (const s of slots) {
        s.fileOffset = offset;
        offset += s.perSample * n * 4;
      }
    } else {
      for (const s of slots) s.memory = new Float32Array(s.perSample * n);
    }
    const labelsAll: number[] = [];
    const targets: Float32Array[] = [];
    const ids: string[] = [];
    /** The dataset index of each stored row (unreadable samples leave gaps). */
    const rowIndices: number[] = [];
    let kept = 0;
    let failed = 0;
    for (let start = 0; start < n; start += opts.batchSize) {
      const indices = Array.from({ length: Math.min(opts.batchSize, n - start) }, (_, i) => start + i);
      const batch = await dataset.getBatch(split, indices);
      failed += batch.failed.length;
      if (batch.indices.length === 0) continue;
      const out = await prefix.run({ [opts.dataInput]: new ort.Tensor('float32', batch.x, batch.shape) });
      for (const s of slots) {
        const data = out[s.name].data as Float32Array;
        if (s.memory) s.memory.set(data, kept * s.perSample);
        else writeSync(file!.fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 0, data.byteLength, s.fileOffset + kept * s.perSample * 4);
      }
      if (batch.labels instanceof Int32Array) labelsAll.push(...batch.labels);
      else targets.push(batch.labels);
      ids.push(...batch.ids);
      rowIndices.push(...batch.indices);
      kept += batch.indices.length;
      opts.onProgress?.(Math.min(start + opts.batchSize, n), n);
    }
    const labels = targets.length > 0 ? concatFloat(targets) : Int32Array.from(labelsAll);
    return { store: new FeatureStore(slots, kept, file, total), labels, ids, indices: rowIndices, failed };
  }

  /** The features of the given samples, one batch tensor per frontier value. */
  batch(indices: readonly number[]): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const s of this.slots) {
      const out = new Float32Array(indices.length * s.perSample);
      indices.forEach((idx, k) => {
        if (s.memory) out.set(s.memory.subarray(idx * s.perSample, (idx + 1) * s.perSample), k * s.perSample);
        else readSync(this.file!.fd, new Uint8Array(out.buffer, k * s.perSample * 4, s.perSample * 4), 0, s.perSample * 4, s.fileOffset + idx * s.perSample * 4);
      });
      feeds[s.name] = new ort.Tensor('float32', out, [indices.length, ...s.shape]);
    }
    return feeds;
  }

  dispose(): void {
    if (!this.file) return;
    closeSync(this.file.fd);
    rmSync(this.file.path, { force: true });
  }
}

function concatFloat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
