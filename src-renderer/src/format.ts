// Number and shape formatting shared by the panels and the graph.
import type { Dim, TensorInfo } from '../../src-main/api/contract.js';

/** 11_176_512 -> "11.2M", 147_456 -> "147.5k", 64 -> "64". */
export function compactCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}B`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e3) return `${trim(n / 1e3)}k`;
  return String(n);
}

function trim(x: number): string {
  return x.toFixed(1).replace(/\.0$/, '');
}

/** 2565 -> "2,565". */
export function exactCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A symbolic leading dimension reads as N on a card; elsewhere symbols stay as they are. */
export function formatDim(d: Dim, compact: boolean, index: number): string {
  if (d === null) return '?';
  if (typeof d === 'number') return String(d);
  if (compact && index === 0) return 'N';
  return d;
}

export function formatShape(shape: Dim[] | null, compact = false): string {
  if (shape === null) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.map((d, i) => formatDim(d, compact, i)).join('×');
}

/** The first output's shape, with a count of the others: "N×512 +1". */
export function outputShapeLabel(outputs: TensorInfo[]): string {
  if (outputs.length === 0) return '';
  const first = formatShape(outputs[0].shape, true);
  return outputs.length > 1 ? `${first} +${outputs.length - 1}` : first;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}
