import { writeFileSync } from 'node:fs';
import { seedModels } from './src-main/test-support/fuzz/corpus.ts';
import { mutateCase } from './src-main/test-support/fuzz/mutations.ts';
import { openModelView } from './src-main/node/studio/service.ts';
import { readModelFile } from './src-main/node/model-file.ts';
import { compileTrainingStep } from './src-main/core/train/compile.ts';
import { sgd } from './src-main/core/train/optimizers.ts';
for (const i of process.argv.slice(2).map(Number)) {
  const { bytes, mutation } = mutateCase(seedModels(), 12, i);
  writeFileSync('/tmp/h/c.onnx', bytes);
  try { await openModelView('/tmp/h/c.onnx'); } catch (e) { console.log(i, mutation, 'view', (e as Error).stack?.split('\n').slice(0, 4).join('\n')); }
  try { compileTrainingStep((await readModelFile('/tmp/h/c.onnx')).model, { trainable: 'all', loss: 'cross-entropy', optimizer: sgd() }); } catch (e) { console.log(i, mutation, 'compile', (e as Error).stack?.split('\n').slice(0, 4).join('\n')); }
}
