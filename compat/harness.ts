// The compatibility harness: makes the rows' models with PyTorch (compat/export_models.py),
// writes the tiny datasets, and checks each row in its own process (compat/check-row.ts).
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerExecArgv } from '../src-main/node/worker-process.js';
import { writeImageFolder, writeSequenceCsv } from './datasets.js';
import type { RowResult } from './result.js';
import type { CompatRow } from './rows.js';

export const PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));
/** A row's checks end within this, or the row is reported as hung. */
const ROW_TIMEOUT_MS = 600_000;

/** Why the harness cannot run here, or null when it can. */
export function pythonMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision, onnx'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} is not there (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} lacks torch, torchvision or onnx: ${r.stderr.trim().split('\n').pop()}`;
  return null;
}

interface Made {
  torchParams?: number;
  foldedParams?: number;
  error?: string;
}

function exportModels(work: string, rows: CompatRow[]): Record<string, Made> {
  const r = spawnSync(PYTHON, [join(here, 'export_models.py'), work, ...rows.map((row) => row.id)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`compat/export_models.py failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8')) as Record<string, Made>;
}

function checkRow(row: CompatRow, work: string, data: string): Promise<RowResult> {
  const entry = join(here, 'check-row.ts');
  return new Promise((resolve) => {
    const child = fork(entry, [row.id, join(work, row.id), data, work, ...(row.gradientArgs ?? [])], {
      execArgv: workerExecArgv(entry),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    let result: RowResult | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), ROW_TIMEOUT_MS);
    child.on('message', (m) => (result = m as RowResult));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const why = signal === 'SIGKILL' ? `took longer than ${ROW_TIMEOUT_MS / 1000} s` : `the check's process died (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').pop() ?? ''}`;
      resolve(result ?? { id: row.id, opens: { ok: false, error: why } });
    });
  });
}

/** Every row's result, in the rows' order; `progress` hears of each as it ends. */
export async function runHarness(rows: CompatRow[], work: string, progress: (r: RowResult) => void = () => {}): Promise<RowResult[]> {
  mkdirSync(work, { recursive: true });
  const made = exportModels(work, rows);
  const images = await writeImageFolder(join(work, 'images'));
  const sequences = writeSequenceCsv(join(work, 'sequences.csv'));
  const results: RowResult[] = [];
  for (const row of rows) {
    const m = made[row.id] ?? { error: 'not made' };
    const result: RowResult = m.error
      ? { id: row.id, madeError: m.error, opens: { ok: false } }
      : { ...(await checkRow(row, work, row.input === 'image' ? images : sequences)), referenceParams: m.torchParams, foldedParams: m.foldedParams };
    progress(result);
    results.push(result);
  }
  return results;
}
