// Normalisation constants and the uint8 HWC -> normalised float CHW conversion shared by the
// image adapters.
import { GraftError } from '../errors.js';

/** torchvision's ImageNet statistics, on the 0..1 scale. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];
/** For 1-channel models fed ImageNet-style statistics: the average over RGB channels. */
export const IMAGENET_GRAY_MEAN = [0.449];
export const IMAGENET_GRAY_STD = [0.226];
/** The plain fallback when nothing better is known: maps 0..1 to -1..1. */
export const HALF_MEAN = 0.5;
export const HALF_STD = 0.5;

export interface MeanStd {
  mean: number[];
  std: number[];
}

/** Checks the caller's mean/std against the channel count; a single value is broadcast. */
export function resolveMeanStd(channels: number, given: Partial<MeanStd>, fallback: MeanStd): MeanStd {
  const mean = given.mean ?? fallback.mean;
  const std = given.std ?? fallback.std;
  const fit = (values: number[], what: string) => {
    if (values.length === 1) return Array.from({ length: channels }, () => values[0]);
    if (values.length !== channels) {
      throw new GraftError('dataset-bad-option', `${what} has ${values.length} values but the model takes ${channels} channel(s)`);
    }
    return [...values];
  };
  const out = { mean: fit(mean, 'mean'), std: fit(std, 'std') };
  if (out.std.some((s) => !(s > 0))) throw new GraftError('dataset-bad-option', `std must be positive, got [${out.std.join(', ')}]`);
  return out;
}

export function imagenetMeanStd(channels: 1 | 3): MeanStd {
  return channels === 3 ? { mean: IMAGENET_MEAN, std: IMAGENET_STD } : { mean: IMAGENET_GRAY_MEAN, std: IMAGENET_GRAY_STD };
}

/** Per-channel 256-entry tables: normalising becomes one lookup per value. */
export type ChannelTables = Float32Array[];

export function channelTables(ms: MeanStd): ChannelTables {
  return ms.mean.map((mean, c) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = (v / 255 - mean) / ms.std[c];
    return table;
  });
}

/** Interleaved uint8 pixels (HWC) -> normalised float32 planes (CHW): (v/255 - mean[c]) / std[c]. */
export function normaliseToChw(pixels: Uint8Array, height: number, width: number, tables: ChannelTables, out = new Float32Array(tables.length * height * width)): Float32Array {
  const channels = tables.length;
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    const table = tables[c];
    for (let p = 0, src = c; p < plane; p++, src += channels) out[c * plane + p] = table[pixels[src]];
  }
  return out;
}

/** One gray plane -> as many normalised planes as there are tables (gray data for an RGB model). */
export function normaliseReplicated(gray: Uint8Array, tables: ChannelTables, out = new Float32Array(tables.length * gray.length)): Float32Array {
  tables.forEach((table, c) => {
    const offset = c * gray.length;
    for (let p = 0; p < gray.length; p++) out[offset + p] = table[gray[p]];
  });
  return out;
}
