// The fuzz corpus's seeds and report shapes, shared by the worker and the test (the test
// must not import the worker module: it starts work when it has a parent channel).
import { readFileSync } from 'node:fs';
import { encodeModel } from '../../core/onnx/codec.js';
import { imageCnn } from '../../core/templates/image-cnn.js';
import { sequenceModel } from '../../core/templates/sequence.js';
import { fixturePath } from '../fixtures.js';
import { linearModel, nestedIfModel } from '../hostile-models.js';

export interface StageReport {
  stage: 'inspect' | 'openModel' | 'compile';
  ok: boolean;
  code?: string;
  message?: string;
  /** A GraftError (a refusal the code meant), not a JavaScript error from deep inside. */
  graft?: boolean;
}

export interface CaseReport {
  index: number;
  mutation: string;
  seedModel: number;
  stages: StageReport[];
  ms: number;
}

/** Small, varied, valid models: CNN, recurrent (LSTM, GRU, RNN), batch norm, linear, If. */
export function seedModels(): Uint8Array[] {
  return [
    ...['bn_inference', 'gru_classifier', 'lstm_classifier', 'rnn_classifier'].map((name) => new Uint8Array(readFileSync(fixturePath(name)))),
    encodeModel(imageCnn({ channels: 1, height: 8, width: 8, classes: 3, widths: [4, 8], pooling: 'global', hidden: 0, seed: 1 })),
    encodeModel(sequenceModel({ inputSize: 3, cell: 'LSTM', hiddenSize: 4, layers: 2, direction: 'bidirectional', steps: 5, outputs: 2, head: 'last', seed: 2 })),
    linearModel(6, 3),
    encodeModel(nestedIfModel(3)),
  ];
}

