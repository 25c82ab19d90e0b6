// Samples drawn for a person: the tensor a network receives as an image again, and a line that
// summarises any input. Used by the data panel's previews and the Try panel.
import sharp from 'sharp';

const THUMB = 112;

/** A CHW float tensor, de-normalised and clamped, as a PNG data URL (null when not an image). */
export async function tensorImage(x: Float32Array, shape: number[], mean: number[], std: number[]): Promise<string | null> {
  if (shape.length !== 3 || (shape[0] !== 1 && shape[0] !== 3)) return null;
  const [c, h, w] = shape;
  const hwc = new Uint8Array(h * w * c);
  for (let ch = 0; ch < c; ch++) {
    const m = mean[ch] ?? mean[0] ?? 0;
    const s = std[ch] ?? std[0] ?? 1;
    for (let i = 0; i < h * w; i++) hwc[i * c + ch] = Math.max(0, Math.min(255, Math.round((x[ch * h * w + i] * s + m) * 255)));
  }
  const scale = Math.max(1, Math.floor(THUMB / Math.max(h, w)));
  const png = await sharp(hwc, { raw: { width: w, height: h, channels: c as 1 | 3 } })
    .resize(w * scale, h * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** A stored image file as a small PNG data URL, or null when it cannot be read. */
export async function fileThumbnail(path: string): Promise<string | null> {
  try {
    const png = await sharp(path, { limitInputPixels: 100e6 }).autoOrient().resize(THUMB, THUMB, { fit: 'inside' }).png().toBuffer();
    return `data:image/png;base64,${png.toString('base64')}`;
  } catch {
    return null;
  }
}

/** "1×28×28, mean 0.286, std 0.353". */
export function summariseInput(x: Float32Array, shape: number[]): string {
  let sum = 0;
  let sq = 0;
  for (const v of x) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / Math.max(x.length, 1);
  const std = Math.sqrt(Math.max(0, sq / Math.max(x.length, 1) - mean * mean));
  return `${shape.join('×')}, mean ${mean.toFixed(3)}, std ${std.toFixed(3)}`;
}

/**
 * A sequence [T, F] in a sentence. Two features whose second is a 0/1 marker (the adding
 * problem) are read as "values at the marked steps"; others show their first steps.
 */
export function summariseSequence(x: Float32Array, steps: number, features: number): string {
  const head = `${steps} steps × ${features} feature${features === 1 ? '' : 's'}`;
  if (features === 2) {
    const marked: string[] = [];
    let markers = true;
    for (let t = 0; t < steps && markers; t++) {
      const m = x[t * 2 + 1];
      if (m !== 0 && m !== 1) markers = false;
      else if (m === 1) marked.push(`${x[t * 2].toFixed(3)} at step ${t + 1}`);
    }
    if (markers && marked.length > 0) return `${head}; marked values: ${marked.join(', ')}`;
  }
  const shown = Math.min(steps, 3);
  const rows = Array.from({ length: shown }, (_, t) => `(${Array.from(x.subarray(t * features, t * features + Math.min(features, 4)), (v) => v.toFixed(2)).join(', ')}${features > 4 ? ', …' : ''})`);
  return `${head}; first steps ${rows.join(' ')}${steps > shown ? ' …' : ''}`;
}
