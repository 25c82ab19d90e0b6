// BMP, which sharp (libvips without ImageMagick) cannot decode. Supported: uncompressed 24-bit
// and 32-bit (BI_RGB, or BI_BITFIELDS with 8-bit masks), bottom-up or top-down. Anything else is
// refused with a message that says what the file is, so the dataset can report it and skip it.

export interface BmpHeader {
  width: number;
  height: number;
  bitsPerPixel: number;
  compression: number;
  topDown: boolean;
  pixelOffset: number;
  masks: [number, number, number] | null;
}

export class BmpError extends Error {}

const BI_RGB = 0;
const BI_BITFIELDS = 3;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  if (!isBmp(bytes)) throw new BmpError('not a BMP file (no "BM" signature)');
  if (bytes.length < 54) throw new BmpError(`truncated BMP header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  if (dibSize < 40) throw new BmpError(`unsupported BMP: OS/2 header (${dibSize} bytes)`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  if (width <= 0 || rawHeight === 0) throw new BmpError(`BMP has an invalid size ${width}x${rawHeight}`);
  let masks: BmpHeader['masks'] = null;
  if (compression === BI_BITFIELDS && bitsPerPixel === 32) {
    // The masks follow a 40-byte header, or sit inside a V4/V5 header at the same offset.
    if (bytes.length < 66) throw new BmpError('truncated BMP bitfield masks');
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
    if (!masks.every(isByteMask)) throw new BmpError('unsupported BMP: 32-bit bitfields other than 8 bits per channel');
  } else if (compression !== BI_RGB) {
    throw new BmpError(`unsupported BMP: compressed (method ${compression}); only uncompressed 24/32-bit BMP is supported`);
  }
  if (bitsPerPixel !== 24 && bitsPerPixel !== 32) {
    throw new BmpError(`unsupported BMP: ${bitsPerPixel} bits per pixel; only uncompressed 24/32-bit BMP is supported`);
  }
  return { width, height: Math.abs(rawHeight), bitsPerPixel, compression, topDown: rawHeight < 0, pixelOffset, masks };
}

function isByteMask(mask: number): boolean {
  return [0xff, 0xff00, 0xff0000, 0xff000000].includes(mask >>> 0);
}

/** Decodes to interleaved RGB (alpha, if any, is dropped as PIL's convert('RGB') drops it). */
export function decodeBmp(bytes: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const h = readBmpHeader(bytes);
  const bytesPerPixel = h.bitsPerPixel / 8;
  const rowBytes = Math.ceil((h.width * bytesPerPixel) / 4) * 4;
  if (h.pixelOffset + rowBytes * h.height > bytes.length) {
    throw new BmpError(`truncated BMP: ${h.width}x${h.height} needs ${h.pixelOffset + rowBytes * h.height} bytes, the file has ${bytes.length}`);
  }
  // Byte position of R, G, B inside a pixel: BGR(A) by default, or where the masks say.
  const shifts = h.masks ? h.masks.map(byteIndexOfMask) : [2, 1, 0];
  const rgb = new Uint8Array(h.width * h.height * 3);
  for (let y = 0; y < h.height; y++) {
    const srcRow = h.pixelOffset + (h.topDown ? y : h.height - 1 - y) * rowBytes;
    for (let x = 0; x < h.width; x++) {
      const src = srcRow + x * bytesPerPixel;
      const dst = (y * h.width + x) * 3;
      rgb[dst] = bytes[src + shifts[0]];
      rgb[dst + 1] = bytes[src + shifts[1]];
      rgb[dst + 2] = bytes[src + shifts[2]];
    }
  }
  return { width: h.width, height: h.height, rgb };
}

/** 0xff -> 0, 0xff00 -> 1, ...: the lowest set bit, in bytes (pixels are little-endian). */
function byteIndexOfMask(mask: number): number {
  return (31 - Math.clz32(mask & -mask)) / 8;
}
