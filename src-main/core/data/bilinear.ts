// Bilinear resampling of uint8 images for the paths that do not go through sharp (IDX). Pixel
// centres sit at half-integers (PyTorch's align_corners=False), so a same-size placement is an
// exact copy. No antialiasing: these paths mostly upsample (28 -> 224).
import type { Placement } from './geometry.js';

/**
 * Draws placement.source of `src` (HWC, `channels` interleaved) into placement.target of a
 * zero-filled dstW x dstH canvas, mirrored when placement.flip.
 */
export function drawPlacement(src: Uint8Array, srcW: number, srcH: number, channels: number, placement: Placement, dstW: number, dstH: number): Uint8Array {
  const out = new Uint8Array(dstW * dstH * channels);
  const { source: s, target: t, flip } = placement;
  const scaleX = s.width / t.width;
  const scaleY = s.height / t.height;
  const identity = scaleX === 1 && scaleY === 1;
  for (let y = 0; y < t.height; y++) {
    const sy = clamp(s.top + (y + 0.5) * scaleY - 0.5, 0, srcH - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, srcH - 1);
    const fy = sy - y0;
    for (let x = 0; x < t.width; x++) {
      const sx = clamp(s.left + (x + 0.5) * scaleX - 0.5, 0, srcW - 1);
      const outX = t.left + (flip ? t.width - 1 - x : x);
      const dst = ((t.top + y) * dstW + outX) * channels;
      if (identity) {
        const at = (y0 * srcW + sx) * channels;
        for (let c = 0; c < channels; c++) out[dst + c] = src[at + c];
        continue;
      }
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, srcW - 1);
      const fx = sx - x0;
      for (let c = 0; c < channels; c++) {
        const top = src[(y0 * srcW + x0) * channels + c] * (1 - fx) + src[(y0 * srcW + x1) * channels + c] * fx;
        const bottom = src[(y1 * srcW + x0) * channels + c] * (1 - fx) + src[(y1 * srcW + x1) * channels + c] * fx;
        out[dst + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
