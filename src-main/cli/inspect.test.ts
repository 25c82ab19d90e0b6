// `graft inspect` as a user runs it: a separate process, its exit code, its output.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../core/onnx/codec.js';
import { fixtureNames, fixturePath, readGolden, readTensorFile, repoRoot } from '../test-support/fixtures.js';
import { ortTensor, runOrt } from '../test-support/ort.js';
import { nestedIfModel, selfLoopModel } from '../test-support/hostile-models.js';

const work = mkdtempSync(join(tmpdir(), 'graft-inspect-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function graft(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/graft.js'), ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`graft ${args.join(' ')} hung for ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('graft inspect --json on the fixtures', () => {
  for (const name of fixtureNames()) {
    it(`${name}: parameters as PyTorch counts them, output shapes as onnxruntime gives them`, async () => {
      const run = await graft(['inspect', '--json', fixturePath(name)]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout);

      const golden = readGolden(name);
      const goldenTotal = Object.values(golden.params).reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
      expect(report.totalParams).toBe(goldenTotal);

      const input = readTensorFile(fixturePath(name, 'input.pb'));
      const batch = Number(input.dims[0]);
      const out = await runOrt(readFileSync(fixturePath(name)), { [report.inputs[0].name]: ortTensor(input) });
      for (const o of report.outputs) {
        const expected = out[o.name].dims;
        expect(o.shape.map((d: number | string) => (typeof d === 'number' ? d : batch))).toEqual([...expected]);
        expect(typeof o.shape[0]).toBe('string'); // the batch stays symbolic
      }
      expect(report.probe.ok).toBe(true);
      expect(report.shapeMismatches).toEqual([]);
      expect(Array.isArray(report.blocks)).toBe(true);
      expect(report.blocks.length).toBeGreaterThan(0);
      expect(Object.values(report.opCounts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(report.nodeCount);
      if (name === 'resnet18') {
        expect(report.head).toMatchObject({ inFeatures: 512, outFeatures: 5 });
        expect(report.blocks.map((b: { name: string }) => b.name)).toEqual(expect.arrayContaining(['layer1', 'layer2', 'layer3', 'layer4', 'fc']));
      }
      if (name.endsWith('_classifier')) expect(report.recurrent).toHaveLength(1);
    });
  }

  it('prints a readable tree without --json', async () => {
    const run = await graft(['inspect', '--no-probe', fixturePath('resnet18')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/params\s+11,1\d\d,\d\d\d/);
    expect(run.stdout).toMatch(/^\s*layer4\.1\s/m);
    expect(run.stdout).toMatch(/head\s+fc \(Gemm 512 → 5\)/);
  });
});

describe('graft inspect refuses broken input with one clear line', () => {
  const lstm = readFileSync(fixturePath('lstm_classifier'));
  const external = (() => {
    const dir = join(work, 'escape');
    mkdirSync(dir, { recursive: true });
    const model = decodeModel(readFileSync(fixturePath('bn_inference')), 'bn');
    const t = model.graph!.initializer[0];
    t.externalData = [{ $typeName: 'onnx.StringStringEntryProto', key: 'location', value: '../../../../etc/passwd' }];
    t.dataLocation = 1;
    t.rawData = new Uint8Array(0);
    writeFileSync(join(dir, 'model.onnx'), encodeModel(model));
    return join(dir, 'model.onnx');
  })();
  const cases: [string, string | Uint8Array | null, RegExp][] = [
    ['empty.onnx', '', /empty \(0 bytes\)/],
    ['truncated.onnx', lstm.subarray(0, Math.floor(lstm.length * 0.6)), /truncated or corrupt/],
    ['random.onnx', Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24), /not (a readable )?(an )?ONNX model/],
    ['page.onnx', '<!doctype html><html><body>Not Found</body></html>', /HTML page/],
    ['notes.onnx', 'name,value\nlr,0.1\n'.repeat(30), /text file/],
    [external, null, /climbs out of the model folder/],
    [join(work, 'missing.onnx'), null, /no such file/],
    // It hung forever: walkToFork went round the loop.
    ['cycle.onnx', selfLoopModel(), /the graph has a cycle through node "loop"/],
  ];
  for (const [file, content, message] of cases) {
    it(`${file.split('/').slice(-2).join('/')}`, async () => {
      const path = content === null ? file : join(work, file);
      if (content !== null) writeFileSync(path, content);
      const run = await graft(['inspect', path], 30_000);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^graft: /);
      expect(lines[0]).toMatch(message);
    });
  }

  it('a model onnxruntime refuses: exit 1 with the reason on stderr, the report on stdout', async () => {
    // Graft reads 50 nested If nodes; onnxruntime's protobuf parser stops at depth 100.
    const path = join(work, 'nested-if.onnx');
    writeFileSync(path, encodeModel(nestedIfModel(50)));
    for (const args of [['inspect', path], ['inspect', '--json', path]]) {
      const run = await graft(args);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/If/);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^graft: nested-if\.onnx: the onnxruntime probe failed: onnxruntime could not load the model: /);
    }
  });

  it('a usage error exits 2', async () => {
    const run = await graft(['inspect']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage: graft inspect/);
  });
});
