// Paths to the shared ground-truth fixtures, which live beside the repository (../shared),
// both here and in CI's fresh clone.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBinary } from '@bufbuild/protobuf';
import { type TensorProto, TensorProtoSchema } from '../core/onnx/gen/onnx_pb.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = resolve(repoRoot, '../shared/fixtures');

export function fixtureNames(): string[] {
  if (!existsSync(fixturesDir)) throw new Error(`fixtures not found at ${fixturesDir} (shared/ must sit beside the repo)`);
  return readdirSync(fixturesDir).filter((n) => existsSync(join(fixturesDir, n, 'model.onnx'))).sort();
}

export function fixturePath(name: string, file = 'model.onnx'): string {
  return join(fixturesDir, name, file);
}

export function readTensorFile(path: string): TensorProto {
  return fromBinary(TensorProtoSchema, readFileSync(path));
}

export interface Golden {
  loss: number;
  logits0: number[];
  params: Record<string, { shape: number[]; norm: number; sum: number; samples: [number, number][] }>;
}

export function readGolden(name: string): Golden {
  return JSON.parse(readFileSync(fixturePath(name, 'golden.json'), 'utf8')) as Golden;
}

/** ONNX's own node tests (Debian's libonnx-testdata), or null where the package is absent. */
export const onnxTestDataDir = ['/usr/share/libonnx-testdata/data'].find((d) => existsSync(d)) ?? null;
