// Model files on disk: reading (with safe external data), writing atomically.
import { lstat, readdir, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { GraftError } from '../core/errors.js';
import { checkExternalLocation, decodeModel, encodeModel } from '../core/onnx/codec.js';
import type { ModelProto, TensorProto } from '../core/onnx/gen/onnx_pb.js';
import { isExternal } from '../core/onnx/tensor.js';
import type { LoadedModel } from '../core/ir/proto.js';
import { openWeights } from '../core/train/open-weights.js';
import { notRegularReason, openRegularFile, readRegularFile } from './regular-file.js';

/** Files over this are refused before reading: protobuf itself cannot exceed 2 GiB. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

export interface ModelFile extends LoadedModel {
  path: string;
  fileBytes: number;
}

async function statFile(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GraftError('file-not-found', `${path}: no such file`);
    if (code === 'EACCES') throw new GraftError('file-access', `${path}: permission denied`);
    throw new GraftError('file-read', `${path}: ${(e as Error).message}`);
  }
}

/** Reads `model.onnx` bytes and decodes them, with external data loaded inline. */
export async function readModelProto(path: string): Promise<{ model: ModelProto; fileBytes: number }> {
  const abs = resolve(path);
  const st = await statFile(abs);
  if (st.isDirectory()) throw new GraftError('file-is-directory', `${abs}: is a folder, not a model file`);
  const notRegular = notRegularReason(st);
  if (notRegular) throw new GraftError('not-a-file', `${abs}: ${notRegular}; not read`);
  if (st.size > MAX_MODEL_BYTES) throw new GraftError('model-too-large', `${abs}: ${st.size} bytes is over protobuf's 2 GiB limit`);
  const bytes = await readRegularFile(abs, MAX_MODEL_BYTES);
  const model = decodeModel(bytes, basename(abs));
  await loadExternalData(model, dirname(abs));
  return { model, fileBytes: st.size };
}

export async function readModelFile(path: string): Promise<ModelFile> {
  const abs = resolve(path);
  const read = await readModelProto(abs);
  // Constant-node weights (converters) become initializers and merged weights are untied.
  const { model, graph } = openWeights(read.model, basename(abs));
  return { path: abs, fileBytes: read.fileBytes, model, graph };
}

function allTensors(model: ModelProto): TensorProto[] {
  const out: TensorProto[] = [];
  const visit = (g: ModelProto['graph']) => {
    if (!g) return;
    out.push(...g.initializer);
    for (const n of g.node) {
      for (const a of n.attribute) {
        if (a.t) out.push(a.t);
        out.push(...a.tensors);
        if (a.g) visit(a.g);
        a.graphs.forEach(visit);
      }
    }
  };
  visit(model.graph);
  return out;
}

/**
 * Resolves every external-data tensor against the model's folder and inlines its bytes.
 * Refuses locations that are absolute, climb out with "..", or reach outside through a symlink.
 */
async function loadExternalData(model: ModelProto, folder: string): Promise<void> {
  const external = allTensors(model).filter(isExternal);
  if (external.length === 0) return;
  const root = await realpath(folder);
  for (const t of external) {
    const entry = (key: string) => t.externalData.find((e) => e.key === key)?.value;
    const location = entry('location');
    if (location === undefined) throw new GraftError('external-data-path', `tensor "${t.name}": external data has no location`);
    const rel = checkExternalLocation(location, t.name);
    const file = join(root, rel);
    let real: string;
    try {
      await lstat(file);
      real = await realpath(file);
    } catch {
      throw new GraftError('external-data-missing', `tensor "${t.name}": external data file "${location}" not found beside the model`);
    }
    if (real !== root && !real.startsWith(root + sep)) {
      throw new GraftError('external-data-path', `tensor "${t.name}": external data "${location}" is a link to ${relative(root, real)}, outside the model folder; refusing to read it`);
    }
    const offset = Number(entry('offset') ?? 0);
    const fh = await openRegularFile(real).catch((e: Error) => {
      throw new GraftError('external-data-path', `tensor "${t.name}": external data "${location}": ${e.message.replace(`${real}: `, '')}`);
    });
    try {
      const size = (await fh.stat()).size;
      const length = entry('length') !== undefined ? Number(entry('length')) : size - offset;
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
        throw new GraftError('external-data-range', `tensor "${t.name}": bytes ${offset}..${offset + length} lie outside "${location}" (${size} bytes)`);
      }
      const buf = new Uint8Array(length);
      await fh.read(buf, 0, length, offset);
      t.rawData = buf;
    } finally {
      await fh.close();
    }
    t.dataLocation = 0;
    t.externalData = [];
  }
}

/** Temp files of atomic writes: `<file>.graft-<pid>-<counter>-<random>.tmp`. */
const TEMP_NAME = /\.graft-(\d+)-\d+-[0-9a-z]+\.tmp$/;
let tempCounter = 0;

function tempNameFor(path: string): string {
  // pid + counter keeps names apart within and across processes; the random part covers a
  // pid reused after a crash that left its temp file behind.
  return `${path}.graft-${process.pid}-${++tempCounter}-${Math.random().toString(36).slice(2, 8)}.tmp`;
}

/** Writes in flight per file: a later write to a path starts when the earlier one is done. */
const writesInFlight = new Map<string, Promise<void>>();

/**
 * Writes a file so that a crash leaves either the old file or the new one, never half.
 * Writes to one path are serialised in call order, so the last call's bytes win.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const previous = writesInFlight.get(path) ?? Promise.resolve();
  const mine = previous.then(() => writeThroughTemp(path, bytes));
  const settled = mine.catch(() => {});
  writesInFlight.set(path, settled);
  void settled.then(() => {
    if (writesInFlight.get(path) === settled) writesInFlight.delete(path);
  });
  return mine;
}

async function writeThroughTemp(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = tempNameFor(path);
  try {
    await writeFile(tmp, bytes, { flush: true, flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw new GraftError('file-write', `${path}: could not write (${(e as Error).message})`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temp files that writes killed half-way left in `folder` (their process is
 * gone). Returns how many went. Never throws: a leftover is untidy, not an error.
 */
export async function removeStaleTemps(folder: string): Promise<number> {
  let removed = 0;
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || processAlive(Number(m[1]))) continue; // not a temp, or its writer still runs
    await unlink(join(folder, name)).then(() => removed++, () => {});
  }
  return removed;
}

export async function writeModelProto(path: string, model: ModelProto): Promise<number> {
  const bytes = encodeModel(model);
  await writeFileAtomic(resolve(path), bytes);
  return bytes.byteLength;
}
