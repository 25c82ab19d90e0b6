// The fuzz suite's worker process: runs cases [start, end) of a seeded run through the three
// ways a model file enters Graft (inspect's description, the studio's model view, a
// training-step compile) and sends one report per case. A hang or a crash here is seen by
// the parent (model-fuzz.test.ts), which restarts the worker after the case at fault.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isGraftError } from '../../core/errors.js';
import { sgd } from '../../core/train/optimizers.js';
import { compileTrainingStep } from '../../core/train/compile.js';
import { readModelFile } from '../../node/model-file.js';
import { ModelFiles } from '../../node/studio/model-files.js';
import { ModelViews } from '../../node/studio/model-views.js';
import { openModelView } from '../../node/studio/service.js';
import { type CaseReport, seedModels, type StageReport } from './corpus.js';
import { mutateCase } from './mutations.js';

async function stage(name: StageReport['stage'], run: () => Promise<unknown>): Promise<StageReport> {
  try {
    await run();
    return { stage: name, ok: true };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { stage: name, ok: false, code: err.code ?? (e as Error).name, message: String(err.message ?? e), graft: isGraftError(e) };
  }
}

async function main() {
  const [seed, start, end, dir] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
  const seeds = seedModels();
  for (let index = start; index < end; index++) {
    const { bytes, mutation, seedModel } = mutateCase(seeds, seed, index);
    const path = join(dir, `case-${process.pid}.onnx`);
    writeFileSync(path, bytes);
    // Tell the parent which case is running: a hang or crash is pinned on it.
    await new Promise<void>((r) => process.send!({ started: index }, undefined, undefined, () => r()));
    const t0 = performance.now();
    const stages = [
      await stage('inspect', () => openModelView(path)),
      await stage('openModel', () => new ModelViews(new ModelFiles()).open(path)),
      await stage('compile', async () => compileTrainingStep((await readModelFile(path)).model, { trainable: 'all', loss: 'cross-entropy', optimizer: sgd({ momentum: 0.9 }) })),
    ];
    const report: CaseReport = { index, mutation, seedModel, stages, ms: Math.round(performance.now() - t0) };
    await new Promise<void>((r) => process.send!(report, undefined, undefined, () => r()));
  }
  process.disconnect();
}

if (process.send) void main();
