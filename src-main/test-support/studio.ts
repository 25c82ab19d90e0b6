// Shared by the studio service's tests (service-*.test.ts): a scratch folder per test file,
// services that are closed afterwards, and small helpers to read errors, images and events.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, expect } from 'vitest';
import type { Edit, StudioEvent } from '../api/studio-types.js';
import { FASHION_MNIST_DIR, defaultModelPath } from '../node/resources.js';
import { createStudioService, type StudioService, type StudioServiceOptions } from '../node/studio/service.js';

export const FASHION = FASHION_MNIST_DIR;
export const haveFashion = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'));

/** A scratch folder for one test file, and a maker of services that are closed with it. */
export function studioScratch(name: string): { work: string; service(o: Partial<StudioServiceOptions> & { workspace: string }): StudioService } {
  if (!haveFashion) console.warn(`Fashion-MNIST studio tests skipped: ${FASHION} not found (Debian package dataset-fashion-mnist)`);
  const work = mkdtempSync(join(tmpdir(), `graft-studio-${name}-`));
  const services: StudioService[] = [];
  afterAll(() => {
    for (const s of services) s.close();
    rmSync(work, { recursive: true, force: true });
  });
  return {
    work,
    service(o) {
      const s = createStudioService({ mode: 'electron', initialModel: defaultModelPath, roots: [], ...o });
      services.push(s);
      return s;
    },
  };
}

/** The `code` of the error a promise rejects with (fails when it resolves). */
export async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code ?? '(no code)', message: (e as Error).message };
  }
  throw new Error('expected a rejection');
}

/** A PNG data URL decoded to its raw pixels. */
export async function decodeDataUrl(url: string | null): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  expect(url).toMatch(/^data:image\/png;base64,/);
  const png = Buffer.from(url!.slice('data:image/png;base64,'.length), 'base64');
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

export const FE_EDITS: Edit[] = [
  { kind: 'swap-head', classes: 5, seed: 0 },
  { kind: 'freeze-preset', preset: 'feature-extraction' },
];

/** Resolves with the first pushed event that `match` accepts. */
export function nextEvent<T extends StudioEvent>(s: StudioService, match: (e: StudioEvent) => e is T, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an event'));
    }, timeoutMs);
    const off = s.onEvent((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

export type StatusEvent = Extract<StudioEvent, { type: 'run-status' }>;
export const statusOf = (id: string, statuses: string[]) => (e: StudioEvent): e is StatusEvent => e.type === 'run-status' && e.run.id === id && statuses.includes(e.run.status);
