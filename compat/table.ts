// The compatibility table as Markdown, and its place in the README between two markers:
// one line per row of compat/rows.ts, in that order, so a run of some rows can be checked
// against the README line by line.
import type { GradientOutcome, RowResult, RunOutcome } from './result.js';
import type { CompatRow } from './rows.js';

export const START = '<!-- compat:start (made by `npm run compat`; do not edit by hand) -->';
export const END = '<!-- compat:end -->';

export const HEADER = [
  '| model | made by | opens (top-level blocks) | parameters: Graft / PyTorch | feature extraction, batch 32 | fine-tune last stage, batch 32 | export verified | gradients vs PyTorch (`--trainable all`) | notes |',
  '|---|---|---|---|---|---|---|---|---|',
];

const n = (x: number) => x.toLocaleString('en-US');

/** Table cells cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function names(list: string[], max = 3): string {
  const shown = list.slice(0, max).map((s) => `\`${s}\``).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
}

function opensCell(r: RowResult): string {
  if (!r.opens.ok) return '✗';
  const blocks = r.opens.topBlocks ?? [];
  return `✓ (${blocks.slice(0, 4).join(', ')}${blocks.length > 4 ? `, +${blocks.length - 4}` : ''})`;
}

function paramsCell(r: RowResult, synthesized: boolean): string {
  const graft = r.opens.totalParams;
  if (graft === undefined || r.referenceParams === undefined) return '—';
  const ref = `${n(r.referenceParams)}${synthesized ? ' (in the file)' : ''}`;
  if (graft === r.referenceParams) return `${n(graft)} / ${ref} ✓`;
  if (graft === r.foldedParams) return `${n(graft)} / ${ref} ✓ (BN folded: ${n(r.foldedParams)} expected)`;
  return `${n(graft)} / ${ref} ✗`;
}

/** Fine-tuning that trained no more than feature extraction found no stage to train. */
function headOnly(r: RowResult): boolean {
  const fe = r.featureExtraction;
  const ft = r.fineTune;
  return !!(fe?.ok && ft?.ok && ft.trainableParams === fe.trainableParams);
}

function runCell(o: RunOutcome | undefined, trainedHeadOnly = false): string {
  if (!o) return '—';
  if (!o.ok) return '✗';
  return `${trainedHeadOnly ? '✗' : '✓'} ${n(o.trainableParams ?? 0)} trained, ${o.steps} steps, cache ${o.cache}`;
}

/** An error's first sentence, at most about 200 characters. */
function short(error: string): string {
  const sentence = /^(.{20,}?\.)\s/.exec(error)?.[1] ?? error;
  return sentence.length > 200 ? `${sentence.slice(0, 200)}…` : sentence;
}

function exportCell(r: RowResult): string {
  const runs = [['feature extraction', r.featureExtraction], ['fine-tune', r.fineTune]] as const;
  const exported = runs.filter(([, o]) => o?.ok);
  if (exported.length === 0) return '—';
  const failed = exported.filter(([, o]) => !o!.exportVerified).map(([name]) => name);
  return failed.length === 0 ? `✓ ${exported.length === 2 ? 'both' : exported[0][0]}` : `✗ ${failed.join(', ')}`;
}

function gradientsCell(g: GradientOutcome | undefined): string {
  if (!g) return '—';
  if (g.error) return '✗';
  return `${g.ok ? '✓' : '✗'} ${g.matched} of ${g.torchTensors} tensors match`;
}

function notes(row: CompatRow, r: RowResult): string {
  const out: string[] = [];
  if (row.note) out.push(row.note);
  if (r.madeError) out.push(`could not be made: ${r.madeError}`);
  if (r.opens.error) out.push(`opening: ${r.opens.error}`);
  if (r.uncounted && r.uncounted.length > 0) out.push(`not counted as parameters: ${names(r.uncounted)}`);
  const [feError, ftError] = [r.featureExtraction?.error, r.fineTune?.error];
  if (feError && feError === ftError) out.push(`training: ${short(feError)}`);
  else {
    if (feError) out.push(`feature extraction: ${short(feError)}`);
    if (ftError) out.push(`fine-tune: ${short(ftError)}`);
  }
  if (headOnly(r)) out.push('fine-tune trained the head alone: no stage with parameters found before it');
  for (const [name, o] of [['feature extraction', r.featureExtraction], ['fine-tune', r.fineTune]] as const) {
    if (o?.ok && !o.exportVerified) out.push(`${name} export: onnxruntime's outputs differ from the trainer's by more than 1e-4`);
  }
  const g = r.gradients;
  if (g?.error) out.push(`gradients: ${short(g.error)}`);
  else if (g && !g.ok) {
    const missing = g.torchTensors - g.matched - g.mismatched.length;
    if (missing > 0) out.push(`${missing} of PyTorch's gradients have no counterpart from Graft`);
    if (g.mismatched.length > 0) out.push(`gradients off: ${g.mismatched.slice(0, 2).join('; ')}${g.mismatched.length > 2 ? ` and ${g.mismatched.length - 2} more` : ''}`);
  }
  return out.join('; ');
}

/** The table line of one row's result. */
export function tableLine(row: CompatRow, r: RowResult): string {
  const synthesized = row.exporter.includes('synthesized');
  const cells = [row.family, row.exporter, opensCell(r), paramsCell(r, synthesized), runCell(r.featureExtraction), runCell(r.fineTune, headOnly(r)), exportCell(r), gradientsCell(r.gradients), notes(row, r)];
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** The table's lines as the README holds them (header first), or null when the markers are missing. */
export function readmeTable(readme: string): string[] | null {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) return null;
  return readme
    .slice(a + START.length, b)
    .split('\n')
    .filter((l) => l.trim().length > 0);
}

/** The README with its table replaced by `lines` (header included). */
export function withTable(readme: string, lines: string[]): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} section`);
  return `${readme.slice(0, a + START.length)}\n${lines.join('\n')}\n${readme.slice(b)}`;
}
