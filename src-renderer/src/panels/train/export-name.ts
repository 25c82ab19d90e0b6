// The file name an exported model is offered under: the project, the strategy and the day,
// e.g. "fashion-transfer-feature-extraction-2026-12-04.onnx", in characters any file system takes.
import type { RunRecord } from '../../../../src-main/api/contract.js';

/** Lower-case ASCII letters and digits joined by single dashes ("Ü" becomes "u"). */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** What trained, from a run's label ("LSTM · full · 8 epochs · adamw 0.003" gives "LSTM full"). */
function strategyOf(run: RunRecord): string {
  const parts = run.label.split(' · ');
  const epochs = parts.findIndex((p) => /^\d+ epochs?$/.test(p));
  return (epochs > 0 ? parts.slice(0, epochs) : parts.slice(0, 1)).join(' ');
}

export function exportFileName(project: string, run: RunRecord): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(run.createdAt)?.[0] ?? '';
  const name = [slug(project), slug(strategyOf(run)), day].filter(Boolean).join('-');
  return `${name || 'model'}.onnx`;
}
