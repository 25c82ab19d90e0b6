import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { encodeModel } from '../core/onnx/codec.js';
import { Graph } from '../core/ir/graph.js';
import { DEFAULT_OPSET, graphInput, newModel } from '../core/ir/builder.js';
import { Emitter } from '../core/ir/emitter.js';
import { probeInWorker } from './probe/probe.js';
import { forkLauncher, requestOnce } from './worker-process.js';

const work = mkdtempSync(join(tmpdir(), 'graft-worker-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = join(work, name);
  writeFileSync(p, body);
  return p;
}

describe('a worker that misbehaves is an error, never a dead studio', () => {
  it('answers', async () => {
    const echo = script('echo.mjs', "process.once('message', (m) => process.send({ got: m }));");
    expect(await requestOnce(forkLauncher, echo, 42, 10_000, 'echo')).toEqual({ got: 42 });
  });

  it('crashes', async () => {
    const crash = script('crash.mjs', "process.once('message', () => process.kill(process.pid, 'SIGSEGV'));");
    await expect(requestOnce(forkLauncher, crash, 1, 10_000, 'the probe')).rejects.toThrow(/the probe crashed \(the worker process died of SIGSEGV\)/);
  });

  it('hangs', async () => {
    const hang = script('hang.mjs', "process.once('message', () => setInterval(() => {}, 1000));");
    await expect(requestOnce(forkLauncher, hang, 1, 500, 'the probe')).rejects.toThrow(/took longer than/);
  });
});

describe('probe', () => {
  it("reports onnxruntime's output shapes for one sample", async () => {
    const r = await probeInWorker(fixturePath('lstm_classifier'));
    expect(r.error).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: [1, 3] }]);
  });

  it("reports the runtime's refusal of a model it cannot load", async () => {
    const bad = script('bad.onnx', '');
    const r = await probeInWorker(bad);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/empty/);
  });

  it('names the op onnxruntime does not know', async () => {
    const g = new Graph('unknown-op');
    const y = new Emitter(g, DEFAULT_OPSET).op('NoSuchOp', [graphInput(g, 'x', { elemType: 1, shape: [1, 4] })]);
    g.outputs.push(y);
    const path = join(work, 'unknown-op.onnx');
    writeFileSync(path, encodeModel(newModel(g)));
    const r = await probeInWorker(path);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/onnxruntime could not load the model: .*NoSuchOp/);
  });
});
