import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEVICE_CHOICES, type DeviceChoice } from '../api/training.js';

export class UsageError extends Error {}

/** node:util parseArgs, with its errors turned into usage errors (exit code 2). */
export function parse<T extends ParseArgsConfig['options']>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
}

/** `--device auto|cpu|webgpu|cuda` (node/train/devices.ts). */
export function deviceOption(v: string | undefined, fallback: DeviceChoice): DeviceChoice {
  if (v === undefined) return fallback;
  if (!(DEVICE_CHOICES as readonly string[]).includes(v)) throw new UsageError(`--device must be one of ${DEVICE_CHOICES.join(', ')}, not "${v}"`);
  return v as DeviceChoice;
}
