// Where a source image lands in the model's H x W input: a source box, the size it is scaled
// to, and its offset on the output canvas. Pure arithmetic, shared by the IDX fast path and the
// augmentation of the image-folder path.

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Placement {
  /** The part of the source image used, in source pixels. */
  source: Box;
  /** Where that part lands on the W x H canvas (the rest is padding, value 0). */
  target: Box;
  /** Mirror left-right. */
  flip: boolean;
}

export type ResizeMode = 'center-crop' | 'pad';

/** The largest centred box of the target's aspect ratio: it then scales to fill the canvas. */
export function centerCropBox(srcW: number, srcH: number, dstW: number, dstH: number): Box {
  const aspect = dstW / dstH;
  let width = srcW;
  let height = srcH;
  if (srcW / srcH > aspect) width = Math.max(1, Math.min(srcW, Math.round(srcH * aspect)));
  else height = Math.max(1, Math.min(srcH, Math.round(srcW / aspect)));
  return { left: Math.floor((srcW - width) / 2), top: Math.floor((srcH - height) / 2), width, height };
}

/** The whole image scaled to fit inside the canvas, centred (letterbox). */
export function padTarget(srcW: number, srcH: number, dstW: number, dstH: number): Box {
  const scale = Math.min(dstW / srcW, dstH / srcH);
  const width = Math.max(1, Math.min(dstW, Math.round(srcW * scale)));
  const height = Math.max(1, Math.min(dstH, Math.round(srcH * scale)));
  return { left: Math.floor((dstW - width) / 2), top: Math.floor((dstH - height) / 2), width, height };
}

export interface RandomResizedCropParams {
  scale: [number, number];
  ratio: [number, number];
}

export const RANDOM_RESIZED_CROP: RandomResizedCropParams = { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] };

/**
 * The box of torchvision's RandomResizedCrop: up to ten tries at a random area fraction and a
 * log-uniform aspect ratio; if none fits, a centred crop clamped to the allowed ratios.
 */
export function randomResizedCropBox(srcW: number, srcH: number, rand: () => number, params = RANDOM_RESIZED_CROP): Box {
  const area = srcW * srcH;
  const [logLo, logHi] = [Math.log(params.ratio[0]), Math.log(params.ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * (params.scale[0] + rand() * (params.scale[1] - params.scale[0]));
    const aspect = Math.exp(logLo + rand() * (logHi - logLo));
    const width = Math.round(Math.sqrt(targetArea * aspect));
    const height = Math.round(Math.sqrt(targetArea / aspect));
    if (width > 0 && width <= srcW && height > 0 && height <= srcH) {
      const top = Math.floor(rand() * (srcH - height + 1));
      const left = Math.floor(rand() * (srcW - width + 1));
      return { left, top, width, height };
    }
  }
  const inRatio = srcW / srcH;
  let width = srcW;
  let height = srcH;
  if (inRatio < params.ratio[0]) height = Math.round(srcW / params.ratio[0]);
  else if (inRatio > params.ratio[1]) width = Math.round(srcH * params.ratio[1]);
  return { left: Math.floor((srcW - width) / 2), top: Math.floor((srcH - height) / 2), width, height };
}

export interface Augment {
  randomResizedCrop?: boolean;
  horizontalFlip?: boolean;
}

/** Plans one sample. With `rand` (train split, augmentation on), crops and flips are drawn from it. */
export function planPlacement(srcW: number, srcH: number, dstW: number, dstH: number, mode: ResizeMode, augment?: Augment, rand?: () => number): Placement {
  const full: Box = { left: 0, top: 0, width: dstW, height: dstH };
  if (augment?.randomResizedCrop && rand) {
    const placement = { source: randomResizedCropBox(srcW, srcH, rand), target: full, flip: false };
    placement.flip = !!augment.horizontalFlip && rand() < 0.5;
    return placement;
  }
  const flip = !!augment?.horizontalFlip && !!rand && rand() < 0.5;
  if (mode === 'pad') return { source: { left: 0, top: 0, width: srcW, height: srcH }, target: padTarget(srcW, srcH, dstW, dstH), flip };
  return { source: centerCropBox(srcW, srcH, dstW, dstH), target: full, flip };
}
