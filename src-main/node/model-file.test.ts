import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGraftError } from '../core/errors.js';
import { decodeModel, encodeModel } from '../core/onnx/codec.js';
import { graphFromModel, modelWithGraph } from '../core/ir/proto.js';
import { fixtureNames, fixturePath, onnxTestDataDir, readTensorFile } from '../test-support/fixtures.js';
import { ortTensor, runOrt } from '../test-support/ort.js';
import { readModelFile, writeModelProto } from './model-file.js';

const work = mkdtempSync(join(tmpdir(), 'graft-model-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Saves a loaded model through the IR with every node rebuilt, as an edit would. */
function resave(bytes: Uint8Array, label: string): Uint8Array {
  const model = decodeModel(bytes, label);
  const graph = graphFromModel(model, label);
  for (const n of graph.nodes) n.dirty = true;
  graph.topologicalSort();
  return encodeModel(modelWithGraph(model, graph));
}

async function expectCode(promise: Promise<unknown>, code: string | RegExp, message?: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal').not.toBeNull();
  expect(isGraftError(err), `expected a GraftError, got ${String(err)}`).toBe(true);
  const e = err as { code: string; message: string };
  if (typeof code === 'string') expect(e.code).toBe(code);
  else expect(e.code).toMatch(code);
  if (message) expect(e.message).toMatch(message);
}

describe('load-save round trip', () => {
  for (const name of fixtureNames()) {
    it(`${name}: bytes and onnxruntime outputs unchanged`, async () => {
      const original = readFileSync(fixturePath(name));
      const saved = resave(original, name);
      expect(Buffer.compare(Buffer.from(saved), original)).toBe(0);

      const out = join(work, `${name}.onnx`);
      const file = await readModelFile(fixturePath(name));
      await writeModelProto(out, modelWithGraph(file.model, file.graph));
      const input = readTensorFile(fixturePath(name, 'input.pb'));
      const feeds = { [file.graph.inputs[0].name]: ortTensor(input) };
      const [a, b] = [await runOrt(original, feeds), await runOrt(readFileSync(out), feeds)];
      for (const key of Object.keys(a)) expect(Array.from(b[key].data as Float32Array)).toEqual(Array.from(a[key].data as Float32Array));
    });
  }

  it.skipIf(!onnxTestDataDir)("ONNX's own test models (opsets 1-17) save back byte for byte", () => {
    const dirs = ['node', 'simple', 'pytorch-converted', 'pytorch-operator'].flatMap((kind) => {
      const root = join(onnxTestDataDir!, kind);
      return existsSync(root) ? readdirSync(root).map((d) => join(root, d, 'model.onnx')) : [];
    });
    const paths = dirs.filter((p) => existsSync(p));
    const opsets = new Set<number>();
    for (const p of paths) {
      const bytes = readFileSync(p);
      const model = decodeModel(bytes, p);
      for (const o of model.opsetImport) if (o.domain === '' || o.domain === 'ai.onnx') opsets.add(Number(o.version));
      expect(Buffer.compare(Buffer.from(resave(bytes, p)), bytes), p).toBe(0);
    }
    expect(paths.length).toBeGreaterThan(1000);
    for (const v of [7, 9, 11, 13, 15, 17]) expect(opsets.has(v), `opset ${v} covered`).toBe(true);
  });
});

describe('broken input is refused with a specific error', () => {
  const write = (name: string, data: Uint8Array | string) => {
    const p = join(work, name);
    writeFileSync(p, data);
    return p;
  };

  it('empty file', () => expectCode(readModelFile(write('empty.onnx', '')), 'model-empty', /empty \(0 bytes\)/));

  it('an HTML page saved as .onnx', () =>
    expectCode(readModelFile(write('page.onnx', '<!DOCTYPE html>\n<html><head><title>resnet18.onnx</title></head></html>')), 'model-not-onnx', /HTML page/));

  it('a text file', () => expectCode(readModelFile(write('notes.onnx', 'these are my notes about models\n'.repeat(20))), 'model-not-onnx', /text file/));

  it('random bytes', async () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 20; i++) {
      const bytes = Uint8Array.from({ length: 256 + i * 97 }, rand);
      await expectCode(readModelFile(write(`random${i}.onnx`, bytes)), /^model-(corrupt|not-onnx)$/);
    }
  });

  it('a model truncated anywhere', async () => {
    const whole = readFileSync(fixturePath('lstm_classifier'));
    for (let cut = 1; cut < whole.length; cut += 37) {
      await expectCode(readModelFile(write('cut.onnx', whole.subarray(0, cut))), /^model-(corrupt|not-onnx|invalid|empty)$/);
    }
  });

  it('a missing file and a folder', async () => {
    await expectCode(readModelFile(join(work, 'nope.onnx')), 'file-not-found');
    await expectCode(readModelFile(work), 'file-is-directory');
  });
});

describe('external data', () => {
  /** bn_inference with its largest initializer moved to an external file at `location`. */
  function externalCopy(dir: string, location: string, writeData: boolean): { path: string; weight: string } {
    mkdirSync(dir, { recursive: true });
    const model = decodeModel(readFileSync(fixturePath('bn_inference')), 'bn');
    const t = [...model.graph!.initializer].sort((a, b) => b.rawData.length - a.rawData.length)[0];
    if (writeData) writeFileSync(join(dir, location), Buffer.concat([Buffer.alloc(16, 7), t.rawData]));
    t.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: '16' },
      { key: 'length', value: String(t.rawData.length) },
    ].map((e) => ({ $typeName: 'onnx.StringStringEntryProto' as const, ...e }));
    t.dataLocation = 1;
    t.rawData = new Uint8Array(0);
    const path = join(dir, 'model.onnx');
    writeFileSync(path, encodeModel(model));
    return { path, weight: t.name };
  }

  it('is read relative to the model folder and gives the same outputs', async () => {
    const { path } = externalCopy(join(work, 'ext-ok'), 'weights.bin', true);
    const file = await readModelFile(path);
    const input = readTensorFile(fixturePath('bn_inference', 'input.pb'));
    const feeds = { [file.graph.inputs[0].name]: ortTensor(input) };
    const a = await runOrt(readFileSync(fixturePath('bn_inference')), feeds);
    const b = await runOrt(encodeModel(file.model), feeds);
    expect(Array.from(b.logits.data as Float32Array)).toEqual(Array.from(a.logits.data as Float32Array));
  });

  it('refuses "..", absolute paths and symlinks out of the folder', async () => {
    writeFileSync(join(work, 'outside.bin'), Buffer.alloc(4096, 1));
    await expectCode(readModelFile(externalCopy(join(work, 'ext-dotdot'), '../outside.bin', false).path), 'external-data-path', /climbs out/);
    await expectCode(readModelFile(externalCopy(join(work, 'ext-abs'), '/etc/passwd', false).path), 'external-data-path', /absolute/);
    const dir = join(work, 'ext-link');
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(work, 'outside.bin'), join(dir, 'link.bin'));
    await expectCode(readModelFile(externalCopy(dir, 'link.bin', false).path), 'external-data-path', /outside the model folder/);
    await expectCode(readModelFile(externalCopy(join(work, 'ext-missing'), 'gone.bin', false).path), 'external-data-missing');
  });

  it.skipIf(process.platform === 'win32')('refuses a named pipe as external data or as the model, without blocking', async () => {
    const dir = join(work, 'ext-pipe');
    mkdirSync(dir, { recursive: true });
    expect(spawnSync('mkfifo', [join(dir, 'pipe.bin')]).status).toBe(0);
    await expectCode(readModelFile(externalCopy(dir, 'pipe.bin', false).path), 'external-data-path', /a named pipe, not a regular file/);
    expect(spawnSync('mkfifo', [join(dir, 'pipe.onnx')]).status).toBe(0);
    await expectCode(readModelFile(join(dir, 'pipe.onnx')), 'not-a-file', /a named pipe, not a regular file/);
  }, 15_000);
});
