// Benchmark: what the Model tab computes on a large model before it can draw, per step:
// the visible graph for an expanded set and its ELK layout. DenseNet-121 (exported with
// /usr/bin/python3 into /tmp, never committed) when present, else a generated deep ResNet.
//
//   npx tsx bench/graph-view.ts [model.onnx]
import { existsSync, readFileSync } from 'node:fs';
import { decodeModel } from '../src-main/core/onnx/codec.js';
import { graphFromModel } from '../src-main/core/ir/proto.js';
import { describeModel } from '../src-main/core/view/model-view.js';
import type { ModelView } from '../src-main/api/contract.js';
import { indexModel, visibleGraph } from '../src-renderer/src/graph/blocks.js';
import { layoutGraph } from '../src-renderer/src/graph/layout.js';
import { deepResnet } from './deep-resnet.js';
import { encodeModel } from '../src-main/core/onnx/codec.js';

const path = process.argv[2] ?? '/tmp/dn/densenet121.onnx';
const bytes = existsSync(path) ? readFileSync(path) : encodeModel(deepResnet(60));
const proto = decodeModel(bytes, path);
const view = describeModel(proto, graphFromModel(proto), { path, fileName: path, fileBytes: bytes.byteLength }) as unknown as ModelView;
const index = indexModel(view);
const all = [...index.byPath.keys()].filter((p) => p !== '');
const cases: [string, string[]][] = [
  ['collapsed', []],
  ['top level open', view.root.children.map((c) => c.path)],
  ['one stage deep', all.filter((p) => p.split('/').length <= 2)],
  ['everything open', all],
];
for (const [name, open] of cases) {
  const t0 = performance.now();
  const g = visibleGraph(view, index, new Set(open));
  const t1 = performance.now();
  await layoutGraph(g);
  const t2 = performance.now();
  console.log(`${name.padEnd(18)} items ${String(g.items.length).padStart(5)} edges ${String(g.edges.length).padStart(5)}  visible ${(t1 - t0).toFixed(1)} ms  layout ${(t2 - t1).toFixed(0)} ms`);
}
