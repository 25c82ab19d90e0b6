// Packs the GPU checks into one folder that runs on a machine with a GPU but without this
// repository's node_modules (or Node itself): esbuild bundles of scripts/gpu-check.ts,
// bench/gpu.ts and scripts/gpu-train-smoke.ts, onnxruntime-node's Linux x64 files, this Node
// binary (xz), the small shared fixtures and Fashion-MNIST's test images as a training set.
// scripts/gpu-run.sh, run from the repository root there, unpacks and runs them.
//
//   node scripts/gpu-pack.mjs [OUT_DIR=.gpu]      (then carry OUT_DIR, and .gl for Vulkan's loader)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const out = process.argv[2] ?? '.gpu';
rmSync(out, { recursive: true, force: true });
const ort = join(out, 'node_modules/onnxruntime-node');
mkdirSync(join(ort, 'bin/napi-v6/linux/x64'), { recursive: true });
for (const [entry, file] of [['scripts/gpu-check.ts', 'gpu-check.mjs'], ['bench/gpu.ts', 'bench-gpu.mjs'], ['scripts/gpu-train-smoke.ts', 'gpu-train-smoke.mjs']]) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(out, file),
    external: ['onnxruntime-node', 'sharp'],
    // Bundled CommonJS dependencies call require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
}
cpSync('node_modules/onnxruntime-node/package.json', join(ort, 'package.json'));
cpSync('node_modules/onnxruntime-node/dist', join(ort, 'dist'), { recursive: true });
cpSync('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node', join(ort, 'bin/napi-v6/linux/x64/onnxruntime_binding.node'));
cpSync('node_modules/onnxruntime-common', join(out, 'node_modules/onnxruntime-common'), { recursive: true });
// The image decoder is not needed for IDX data: a stub keeps the bundles loadable.
mkdirSync(join(out, 'node_modules/sharp'));
writeFileSync(join(out, 'node_modules/sharp/package.json'), '{"name":"sharp","version":"0.0.0","main":"index.js"}\n');
writeFileSync(join(out, 'node_modules/sharp/index.js'), 'module.exports = function sharp() { throw new Error("sharp is not packed for the GPU checks"); };\n');
const xz = (from, to) => writeFileSync(to, execFileSync('xz', ['-T2', '-6', '-c', from], { maxBuffer: 1 << 30 }));
xz('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1', join(out, 'libonnxruntime.so.1.xz'));
xz(process.execPath, join(out, 'node.xz'));
for (const f of ['bn_inference', 'gru_classifier', 'lstm_classifier', 'rnn_classifier', 'mobilenet_v3_small']) {
  if (existsSync(`../shared/fixtures/${f}`)) cpSync(`../shared/fixtures/${f}`, join(out, 'fixtures', f), { recursive: true });
}
mkdirSync(join(out, 'data'));
for (const kind of ['images-idx3', 'labels-idx1']) cpSync(`/usr/share/datasets/fashion-mnist/t10k-${kind}-ubyte.gz`, join(out, 'data', `train-${kind}-ubyte.gz`));
console.log(`packed ${out}`);
