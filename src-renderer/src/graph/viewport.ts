// The first view of a model: fit it to the canvas, unless that would shrink the text past
// reading; then keep a legible zoom and show the top of the graph (inputs first).
import type { Box } from './layout.js';

export interface ViewportSpec {
  x: number;
  y: number;
  zoom: number;
}

export const LEGIBLE_ZOOM = 0.65;
/** The zoom a first view aims for: card text about 10 px on screen. */
export const COMFORTABLE_ZOOM = 0.85;

export function boundsOf(boxes: Iterable<Box>): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const b of boxes) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.width);
    maxY = Math.max(maxY, b.y + b.height);
  }
  if (minX === Infinity) return { x: 0, y: 0, width: 0, height: 0 };
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** The zoom at which `bounds` fills the canvas, padding kept. */
export function fitZoom(bounds: Box, width: number, height: number, padding = 24): number {
  const innerW = Math.max(1, width - 2 * padding);
  const innerH = Math.max(1, height - 2 * padding);
  return Math.min(innerW / Math.max(1, bounds.width), innerH / Math.max(1, bounds.height));
}

export function initialViewport(bounds: Box, width: number, height: number, padding = 24, maxZoom = 1.1): ViewportSpec {
  const innerW = Math.max(1, width - 2 * padding);
  const innerH = Math.max(1, height - 2 * padding);
  const fit = fitZoom(bounds, width, height, padding);
  const zoom = Math.min(maxZoom, Math.max(fit, LEGIBLE_ZOOM));
  const w = bounds.width * zoom;
  const h = bounds.height * zoom;
  const x = w <= innerW ? (width - w) / 2 - bounds.x * zoom : padding - bounds.x * zoom;
  const y = h <= innerH ? (height - h) / 2 - bounds.y * zoom : padding - bounds.y * zoom;
  return { x, y, zoom };
}
