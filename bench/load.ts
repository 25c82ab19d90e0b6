// Benchmark: opening a model, from bytes on disk to the block tree the studio draws.
// Target (issue 2): a 1,000+ node model in well under a second. onnxruntime's own session
// creation on the same bytes runs beside it as a yardstick, and the Python onnx package's
// load where it is installed.
//
//   npx tsx bench/load.ts            (writes bench/results/load.json)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeModel, encodeModel } from '../src-main/core/onnx/codec.js';
import { graphFromModel } from '../src-main/core/ir/proto.js';
import { inferShapes } from '../src-main/core/shape/infer.js';
import { buildBlockTree } from '../src-main/core/blocks/index.js';
import { describeModel } from '../src-main/core/view/model-view.js';
import { deepResnet } from './deep-resnet.js';
import { median } from './support.js';

const here = import.meta.dirname;
const fixtures = join(here, '../../shared/fixtures');
const results = join(here, 'results');

function time(reps: number, fn: () => void): number {
  fn(); // warm-up: JIT and lazy descriptor setup
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    fn();
    t.push(performance.now() - start);
  }
  return median(t);
}

async function timeAsync(reps: number, fn: () => Promise<void>): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await fn();
    t.push(performance.now() - start);
  }
  return median(t);
}

function pythonOnnxLoad(path: string, reps: number): number | null {
  const code = `import onnx, time, statistics\nts=[]\nfor _ in range(${reps}):\n  s=time.perf_counter(); onnx.load(${JSON.stringify(path)}); ts.append((time.perf_counter()-s)*1000)\nprint(statistics.median(ts))`;
  // Debian's python3-onnx lives with the system interpreter, not a pyenv one.
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', code], { encoding: 'utf8' });
    if (r.status === 0) return Number(r.stdout.trim());
  }
  return null;
}

const cases: { name: string; bytes: Uint8Array }[] = [
  { name: 'resnet18 (fixture)', bytes: readFileSync(join(fixtures, 'resnet18/model.onnx')) },
  { name: 'mobilenet_v3_small (fixture)', bytes: readFileSync(join(fixtures, 'mobilenet_v3_small/model.onnx')) },
  { name: 'deep resnet, 1,500+ nodes, named', bytes: encodeModel(deepResnet(75, true)) },
  { name: 'deep resnet, 1,500+ nodes, unnamed', bytes: encodeModel(deepResnet(75, false)) },
];

mkdirSync(results, { recursive: true });
const rows = [];
for (const c of cases) {
  const reps = 15;
  const model = decodeModel(c.bytes, c.name);
  const nodes = model.graph!.node.length;
  const decode = time(reps, () => void decodeModel(c.bytes, c.name));
  const ir = time(reps, () => void graphFromModel(model));
  const shapes = time(reps, () => void inferShapes(graphFromModel(model))) - ir;
  const blocks = time(reps, () => {
    const g = graphFromModel(model);
    inferShapes(g);
    buildBlockTree(g);
  }) - ir - shapes;
  const total = time(reps, () => {
    const m = decodeModel(c.bytes, c.name);
    describeModel(m, graphFromModel(m), { path: c.name, fileName: c.name, fileBytes: c.bytes.byteLength });
  });
  const ortCreate = await timeAsync(5, async () => {
    const s = await ort.InferenceSession.create(c.bytes, { intraOpNumThreads: 1 });
    await s.release();
  });
  const tmp = join(results, 'tmp-model.onnx');
  writeFileSync(tmp, c.bytes);
  const py = pythonOnnxLoad(tmp, 5);
  rmSync(tmp);
  rows.push({ model: c.name, nodes, mb: +(c.bytes.byteLength / 2 ** 20).toFixed(1), decode, ir, shapes, blocks, total, ortCreate, pythonOnnxLoad: py });
}

const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
console.log('model                                nodes    MB  decode     ir shapes blocks | TOTAL ms | ort session  python onnx.load');
for (const r of rows) {
  console.log(
    `${r.model.padEnd(36)} ${String(r.nodes).padStart(5)} ${String(r.mb).padStart(5)} ${f(r.decode).padStart(7)} ${f(r.ir).padStart(6)} ${f(r.shapes).padStart(6)} ${f(r.blocks).padStart(6)} | ${f(r.total).padStart(8)} | ${f(r.ortCreate).padStart(11)}  ${f(r.pythonOnnxLoad).padStart(15)}`,
  );
}
writeFileSync(join(results, 'load.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
