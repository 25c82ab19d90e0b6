// onnxruntime's C++ error text reaches people as one plain sentence naming the node, and its
// own coloured log lines stay off stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { badReshapeModel } from '../test-support/hostile-models.js';
import { repoRoot } from '../test-support/fixtures.js';
import { runtimeMessage } from './runtime-errors.js';

const work = mkdtempSync(join(tmpdir(), 'graft-runtime-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('onnxruntime errors', () => {
  it('a failing node: one sentence, no colour codes, no C++ source path, nothing on stderr', () => {
    const model = join(work, 'reshape.onnx');
    writeFileSync(model, badReshapeModel());
    const script = join(work, 'probe.mts');
    const probe = pathToFileURL(join(repoRoot, 'src-main/node/probe/probe-session.ts')).href;
    writeFileSync(script, `import { probeModel } from ${JSON.stringify(probe)};\nconsole.log(JSON.stringify(await probeModel(${JSON.stringify(model)})));\n`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout);
    expect(result.error).toBe('onnxruntime failed to run one sample: node "bad" (Reshape): The input tensor cannot be reshaped to the requested shape. Input shape:{1,4}, requested shape:{3,5}');
  });

  it('strips colour codes and status prefixes from any message', () => {
    expect(runtimeMessage('\u001b[1;31m[ONNXRuntimeError] : 1 : FAIL : Load model from x failed\u001b[m\n')).toBe('Load model from x failed');
  });
});
