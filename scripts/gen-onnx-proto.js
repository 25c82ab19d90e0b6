#!/usr/bin/env node
// Regenerates src-main/core/onnx/gen/onnx_pb.ts from the ONNX schema that Debian's
// libonnx-dev ships (/usr/include/onnx/onnx.proto). The generated file is committed, so
// this only runs when the schema is upgraded: `npm run gen:onnx`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const schema = process.env.ONNX_PROTO ?? '/usr/include/onnx/onnx.proto';
if (!existsSync(schema)) {
  console.error(`gen:onnx: ${schema} not found (apt-get install libonnx-dev, or set ONNX_PROTO)`);
  process.exit(1);
}
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'graft-proto-'));
try {
  copyFileSync(schema, join(work, 'onnx.proto'));
  const plugin = join(root, 'node_modules/.bin/protoc-gen-es');
  const out = join(root, 'src-main/core/onnx/gen');
  writeFileSync(
    join(work, 'buf.gen.yaml'),
    [
      'version: v2',
      'plugins:',
      `  - local: ${plugin}`,
      `    out: ${out}`,
      '    opt: [target=ts, import_extension=js]',
      '',
    ].join('\n'),
  );
  execFileSync(join(root, 'node_modules/.bin/buf'), ['generate', work, '--template', join(work, 'buf.gen.yaml')], {
    cwd: work,
    stdio: 'inherit',
  });
  console.log(`gen:onnx: wrote ${out}/onnx_pb.ts`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
