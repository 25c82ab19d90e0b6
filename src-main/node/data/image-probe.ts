// Reads only an image's header: its size (after EXIF orientation) and whether a decoder can read
// it. The pixel cap is checked here, before any pixel is decoded, so a 20000x20000 image costs
// a header read, not 1.2 GB of memory.
import sharp from 'sharp';
import { openRegularFile } from '../regular-file.js';
import { BmpError, isBmp, readBmpHeader } from '../../core/data/bmp.js';

export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface ImageHeader {
  /** Size as the model will see it, after EXIF orientation. */
  width: number;
  height: number;
  /** BMP is decoded here, not by sharp. */
  bmp: boolean;
}

export type ProbeResult = { ok: true; header: ImageHeader } | { ok: false; reason: string };

const HEAD_BYTES = 128;

export async function probeImage(path: string, maxPixels: number): Promise<ProbeResult> {
  let head: Uint8Array;
  let size: number;
  let file;
  try {
    file = await openRegularFile(path);
  } catch (e) {
    // One unreadable file (gone, renamed, a pipe, no permission) is skipped, not fatal.
    const err = e as NodeJS.ErrnoException;
    return { ok: false, reason: err.code === 'not-a-file' ? err.message.slice(path.length + 2) : `not readable (${err.code ?? err.message})` };
  }
  try {
    size = (await file.stat()).size;
    head = new Uint8Array(Math.min(HEAD_BYTES, size));
    await file.read(head, 0, head.length, 0);
  } finally {
    await file.close();
  }
  if (size === 0) return { ok: false, reason: 'empty file (0 bytes)' };

  let header: ImageHeader;
  if (isBmp(head)) {
    try {
      const bmp = readBmpHeader(head);
      header = { width: bmp.width, height: bmp.height, bmp: true };
    } catch (e) {
      return { ok: false, reason: e instanceof BmpError ? e.message : String(e) };
    }
  } else {
    try {
      // No pixel limit on the header read itself: we want the size to report it.
      const meta = await sharp(path, { limitInputPixels: false }).metadata();
      const swap = (meta.orientation ?? 1) >= 5;
      if (!meta.width || !meta.height) return { ok: false, reason: `not a readable image (${meta.format} without a size)` };
      header = { width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height, bmp: false };
    } catch (e) {
      return { ok: false, reason: `not a readable image (${(e as Error).message})` };
    }
  }
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    return { ok: false, reason: `image is ${header.width}x${header.height} (${megapixels(pixels)} megapixels), above the ${megapixels(maxPixels)} megapixel limit; not decoded` };
  }
  return { ok: true, header };
}

function megapixels(pixels: number): string {
  const mp = pixels / 1e6;
  return Number.isInteger(mp) ? String(mp) : mp.toFixed(1);
}
