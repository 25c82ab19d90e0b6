// Gradients on every execution provider this machine has, against PyTorch's goldens: the
// shared fixtures (../shared/fixtures) and the autodiff fixtures (ViT, ConvNeXt blocks), each
// computed with everything trainable on the CPU and on each GPU provider that works here.
//
//   npx tsx scripts/gpu-check.ts [--fixtures DIR]... [--out FILE.json]
//
// Prints one line per fixture and provider; exits 1 when a provider that runs disagrees.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fromBinary } from '@bufbuild/protobuf';
import { type TensorProto, TensorProtoSchema } from '../src-main/core/onnx/gen/onnx_pb.js';
import { readTensor } from '../src-main/core/onnx/tensor.js';
import { readModelFile } from '../src-main/node/model-file.js';
import { probeDevices } from '../src-main/node/train/devices.js';
import { compareToGolden, type GoldenGradients } from '../src-main/node/train/golden-compare.js';
import { computeGradients, gradFileName } from '../src-main/node/train/gradients.js';

const here = import.meta.dirname;
const { values } = parseArgs({
  options: {
    fixtures: { type: 'string', multiple: true, default: [join(here, '../../shared/fixtures'), join(here, '../src-main/core/autodiff/testdata')] },
    out: { type: 'string' },
  },
});

const readProto = (path: string): TensorProto => fromBinary(TensorProtoSchema, readFileSync(path));
const fixtures = values.fixtures!.flatMap((root) =>
  existsSync(root)
    ? readdirSync(root)
        .map((n) => join(resolve(root), n))
        .filter((d) => existsSync(join(d, 'model.onnx')) && existsSync(join(d, 'golden.json')))
    : [],
);

const devices = await probeDevices();
for (const d of devices) console.log(`${d.device}: ${d.available ? 'available' : `not available (${d.reason})`}`);

const rows: Array<Record<string, unknown>> = [];
let disagreements = 0;
for (const dir of fixtures) {
  const name = dir.split('/').slice(-1)[0];
  const file = await readModelFile(join(dir, 'model.onnx'));
  const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as GoldenGradients;
  const full = (param: string) => {
    const p = join(dir, 'grads', gradFileName(param));
    return existsSync(p) ? (readTensor(readProto(p)) as Float32Array) : null;
  };
  for (const { device } of devices.filter((d) => d.available)) {
    const t0 = performance.now();
    try {
      const result = await computeGradients(file.model, readProto(join(dir, 'input.pb')), readProto(join(dir, 'labels.pb')), 'all', 'cross-entropy', 'frozen', device);
      // The autodiff goldens hold every PyTorch parameter; the studio may train fewer of them.
      const c = compareToGolden(result, golden, full, !dir.includes('autodiff'));
      const ok = c.failures.length === 0;
      if (!ok) disagreements++;
      rows.push({ fixture: name, device, ok, params: result.grads.size, ...c, ms: Math.round(performance.now() - t0) });
      console.log(`${ok ? 'match' : 'DIFFER'} ${name} on ${device}: ${result.grads.size} of ${Object.keys(golden.params).length} gradients, loss rel err ${c.lossRelError.toExponential(1)}, worst norm err ${c.worstNormError.toExponential(1)}, worst element excess ${c.worstElementExcess.toExponential(1)}${ok ? '' : `; ${c.failures.slice(0, 3).join('; ')}`}`);
    } catch (e) {
      disagreements++;
      rows.push({ fixture: name, device, ok: false, error: (e as Error).message.slice(0, 500) });
      console.log(`FAILED ${name} on ${device}: ${(e as Error).message.split('\n')[0].slice(0, 300)}`);
    }
  }
}
if (values.out) writeFileSync(values.out, `${JSON.stringify({ devices, rows }, null, 2)}\n`);
console.log(`${rows.length - disagreements} of ${rows.length} fixture x provider checks match PyTorch`);
process.exit(disagreements ? 1 : 0);
