// `graft inspect MODEL`: what a model is made of, and onnxruntime's verdict on it.
import { basename } from 'node:path';
import type { BlockView, ProbeResult, TensorInfo } from '../api/contract.js';
import { openModelView } from '../node/studio/service.js';
import { probeInWorker } from '../node/probe/probe.js';
import { parse, UsageError } from './args.js';
import { bytesText, compactCount, pad, shapeText } from './format.js';

const USAGE = 'usage: graft inspect MODEL [--json] [--no-probe]';

/** Inferred output shapes agree with what onnxruntime produced for one sample (batch 1)? */
export function shapesAgree(inferred: TensorInfo[], probed: TensorInfo[]): string[] {
  const problems: string[] = [];
  for (const p of probed) {
    const i = inferred.find((t) => t.name === p.name);
    if (!i?.shape || !p.shape) continue;
    const same = i.shape.length === p.shape.length && i.shape.every((d, k) => typeof d !== 'number' || d === p.shape![k]);
    if (!same) problems.push(`output "${p.name}": inferred ${shapeText(i.shape)}, onnxruntime gave ${shapeText(p.shape)}`);
  }
  return problems;
}

function blockLines(b: BlockView, depth: number, out: string[]): void {
  const label = `${'  '.repeat(depth)}${b.name}`;
  const shape = b.outputs.length > 0 ? b.outputs.map((o) => shapeText(o.shape)).join(', ') : '';
  out.push(`${pad(label, 34)} ${pad(b.kind, 15)} ${pad(shape, 22)} ${b.params > 0 ? b.params.toLocaleString('en-US') : ''}`.trimEnd());
  for (const c of b.children) blockLines(c, depth + 1, out);
}

export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, 'no-probe': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const view = await openModelView(positionals[0]);
  const probe: ProbeResult | null = values['no-probe'] ? null : await probeInWorker(view.summary.path);
  const s = view.summary;
  const mismatches = probe?.ok ? shapesAgree(s.outputs, probe.outputs) : [];

  // A failed probe is why the exit code is 1: say so on stderr too, where scripts look.
  const probeFailed = (): number => {
    if (!probe || probe.ok) return 0;
    console.error(`graft: ${basename(s.path)}: the onnxruntime probe failed: ${probe.error}`);
    return 1;
  };
  if (values.json) {
    const { summary, root } = view;
    console.log(JSON.stringify({ ...summary, blocks: root.children, probe, shapeMismatches: mismatches }, null, 2));
    return probeFailed();
  }

  const lines: string[] = [];
  const opset = Object.entries(s.opsets).map(([d, v]) => (d === 'ai.onnx' ? `opset ${v}` : `${d} ${v}`)).join(', ');
  lines.push(`${basename(s.path)}  (${bytesText(s.fileBytes)}, ONNX IR ${s.irVersion}, ${opset}${s.producer ? `, ${s.producer}` : ''})`);
  for (const i of s.inputs) lines.push(`input    ${pad(i.name, 16)} ${pad(i.dtype, 8)} ${shapeText(i.shape)}`);
  for (const o of s.outputs) {
    const got = probe?.ok ? probe.outputs.find((p) => p.name === o.name) : undefined;
    lines.push(`output   ${pad(o.name, 16)} ${pad(o.dtype, 8)} ${pad(shapeText(o.shape), 16)}${got ? ` onnxruntime (batch 1): ${shapeText(got.shape)}` : ''}`);
  }
  lines.push(`params   ${s.totalParams.toLocaleString('en-US')} (${compactCount(s.totalParams)})`);
  lines.push(`nodes    ${s.nodeCount}`);
  lines.push(s.head ? `head     ${s.head.block} (${s.head.opType} ${s.head.inFeatures} → ${s.head.outFeatures}${s.head.softmaxNodeId ? ', then softmax' : ''})` : 'head     none found');
  for (const r of s.recurrent) lines.push(`recurrent ${r.nodeId}: ${r.cell} hidden ${r.hiddenSize}, ${r.direction}${r.inputSize ? `, input ${r.inputSize}` : ''}`);
  lines.push('', `${pad('block', 34)} ${pad('kind', 15)} ${pad('output', 22)} params`);
  for (const b of view.root.children) blockLines(b, 0, lines);
  const ops = Object.entries(s.opCounts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  lines.push('', `ops      ${ops.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (probe) lines.push(probe.ok ? `probe    onnxruntime ran one sample in ${Math.round(probe.millis)} ms` : `probe    FAILED: ${probe.error}`);
  for (const m of mismatches) lines.push(`warning  ${m}`);
  console.log(lines.join('\n'));
  return probeFailed();
}
