// Test helpers that write image files the tests need: BMPs (sharp cannot write them), and a
// PNG that claims 20000x20000 pixels in a few hundred bytes (header + a tiny, incomplete IDAT),
// for checking that the pixel cap refuses it without decoding.
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

/** Writes `rgb` (interleaved, top row first) as an uncompressed 24- or 32-bit BMP. */
export function writeBmp(path: string, width: number, height: number, rgb: Uint8Array, bits: 24 | 32 = 24, topDown = false): void {
  const bytesPerPixel = bits / 8;
  const rowBytes = Math.ceil((width * bytesPerPixel) / 4) * 4;
  const pixelOffset = 54;
  const out = Buffer.alloc(pixelOffset + rowBytes * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(pixelOffset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(topDown ? -height : height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bits, 28);
  out.writeUInt32LE(0, 30);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * 3;
      const dst = row + x * bytesPerPixel;
      out[dst] = rgb[src + 2];
      out[dst + 1] = rgb[src + 1];
      out[dst + 2] = rgb[src];
      if (bits === 32) out[dst + 3] = 255;
    }
  }
  writeFileSync(path, out);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A gray PNG whose header says width x height; only the first row's data is present. */
export function writeHugePngHeader(path: string, width: number, height: number): void {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // gray
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  writeFileSync(path, Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(width + 1))), pngChunk('IEND', Buffer.alloc(0))]));
}
