// Checkpoints: the trained tensors (parameters and optimizer state) and where the run was,
// in one file written atomically, so a run killed at any moment resumes from the last
// complete epoch. Layout: "GRAFTCKPT1\n", u32 header length, JSON header, raw float32 data.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraftError } from '../../core/errors.js';
import { writeFileAtomic } from '../model-file.js';

const MAGIC = 'GRAFTCKPT1\n';

export interface CheckpointState {
  epoch: number;
  step: number;
  /** A digest of the settings that must not change on resume (model, data, strategy, seed...). */
  configKey: string;
  bestValLoss: number;
  bestValAccuracy: number | null;
  bestEpoch: number;
  epochsWithoutImprovement: number;
  history: unknown[];
  tensors: Map<string, { dims: number[]; data: Float32Array }>;
}

export const CHECKPOINT_FILE = 'last.ckpt';

export function checkpointPath(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}

export async function writeCheckpoint(dir: string, s: CheckpointState): Promise<string> {
  const entries: { name: string; dims: number[]; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, t] of s.tensors) {
    entries.push({ name, dims: t.dims, offset, length: t.data.length });
    offset += t.data.byteLength;
  }
  const { tensors: _t, ...rest } = s;
  const header = new TextEncoder().encode(JSON.stringify({ ...rest, tensors: entries }));
  const magic = new TextEncoder().encode(MAGIC);
  const out = new Uint8Array(magic.length + 4 + header.length + offset);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, header.length, true);
  out.set(header, magic.length + 4);
  let at = magic.length + 4 + header.length;
  for (const t of s.tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  const path = checkpointPath(dir);
  await writeFileAtomic(path, out);
  return path;
}

export async function readCheckpoint(dir: string): Promise<CheckpointState> {
  const path = checkpointPath(dir);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new GraftError('checkpoint-missing', `no checkpoint to resume from: ${path} does not exist`);
  }
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new GraftError('checkpoint-corrupt', `${path} is not a Graft checkpoint`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  let header: Omit<CheckpointState, 'tensors'> & { tensors: { name: string; dims: number[]; offset: number; length: number }[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + headerLength)));
  } catch {
    throw new GraftError('checkpoint-corrupt', `${path}: the header is damaged`);
  }
  const base = start + headerLength;
  const tensors = new Map<string, { dims: number[]; data: Float32Array }>();
  for (const e of header.tensors) {
    if (base + e.offset + e.length * 4 > bytes.byteLength) throw new GraftError('checkpoint-corrupt', `${path}: tensor "${e.name}" is cut off`);
    // A copy: `bytes` is a Node Buffer, whose slice() would share (and misalign) memory.
    const data = new Float32Array(new Uint8Array(bytes.subarray(base + e.offset, base + e.offset + e.length * 4)).buffer);
    tensors.set(e.name, { dims: e.dims, data });
  }
  return { ...header, tensors };
}
