import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { exportFileName } from './export-name.js';

const run = (label: string, createdAt = '2026-12-04T14:03:11.000Z') => ({ label, createdAt }) as RunRecord;

describe('export file names', () => {
  it('come from the project, the strategy and the day', () => {
    expect(exportFileName('Fashion transfer', run('feature extraction · 30 epochs · adamw 0.003'))).toBe('fashion-transfer-feature-extraction-2026-12-04.onnx');
    expect(exportFileName('adding-rnn', run('LSTM · full · 1 epoch · sgd 0.01'))).toBe('adding-rnn-lstm-full-2026-12-04.onnx');
  });

  it('are sanitised: no separators, quotes, dots or non-ASCII letters reach the file system', () => {
    const name = exportFileName('../Über "résumé"\\ n°1', run('from scratch · 5 epochs · adamw 0.003'));
    expect(name).toBe('uber-resume-n-1-from-scratch-2026-12-04.onnx');
    expect(exportFileName('   ', run('', 'bad date'))).toBe('model.onnx');
  });

});
