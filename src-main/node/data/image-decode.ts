// Decodes one image file to the model's geometry as interleaved uint8 (HWC): EXIF orientation
// applied, alpha dropped, converted to the model's channel count, then either scaled to cover
// H x W and centre-cropped, or scaled to fit and padded with black. With augmentation, a random
// resized crop and/or a horizontal flip come from the given placement.
import sharp from 'sharp';
import { readRegularFile } from '../regular-file.js';
import { decodeBmp } from '../../core/data/bmp.js';
import type { Placement } from '../../core/data/geometry.js';
import type { ImageHeader } from './image-probe.js';

export interface DecodeTarget {
  channels: 1 | 3;
  width: number;
  height: number;
  resize: 'center-crop' | 'pad';
  maxPixels: number;
}

/** `augment`: a placement whose source box is a random crop (or null for the plain geometry), and the flip. */
export async function decodeImage(path: string, header: ImageHeader, target: DecodeTarget, augment: { crop: Placement | null; flip: boolean } | null): Promise<Uint8Array> {
  let image: sharp.Sharp;
  if (header.bmp) {
    const bmp = decodeBmp(await readRegularFile(path));
    image = sharp(bmp.rgb, { raw: { width: bmp.width, height: bmp.height, channels: 3 }, limitInputPixels: target.maxPixels });
  } else {
    // The pixel cap again, in case the file changed since the header was read; the bytes are
    // read here (a regular file only), so a pipe swapped in cannot block a decoder thread.
    image = sharp(await readRegularFile(path), { limitInputPixels: target.maxPixels }).autoOrient();
  }
  image = image.removeAlpha();
  image = target.channels === 1 ? image.greyscale() : image.toColourspace('srgb');
  if (augment?.crop) {
    image = image.extract(augment.crop.source).resize(target.width, target.height, { fit: 'fill' });
  } else {
    image = image.resize(target.width, target.height, {
      fit: target.resize === 'pad' ? 'contain' : 'cover',
      position: 'centre',
      background: { r: 0, g: 0, b: 0, alpha: 1 },
    });
  }
  if (augment?.flip) image = image.flop();
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    // libvips words the same fault differently from run to run ("end of stream", "warning
    // treated as error"): say what it means, and keep its words for the curious.
    throw new Error(`the image data is damaged or cut short (decoder: ${(e as Error).message})`);
  }
  const { data, info } = decoded;
  if (info.width !== target.width || info.height !== target.height || info.channels !== target.channels) {
    throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${target.width}x${target.height}x${target.channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
