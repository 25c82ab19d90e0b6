// Image folders built to mislead or stall the scanner: a link from a class folder back to
// the root, names that are not UTF-8, named pipes. Each is one skipped entry with a reason;
// the rest of the dataset loads with the right labels.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from './index.js';
import type { Preprocess } from './types.js';

const pre: Preprocess = { channels: 3, height: 8, width: 8, resize: 'center-crop', seed: 1, mean: [0, 0, 0], std: [1, 1, 1] };
const work = mkdtempSync(join(tmpdir(), 'graft-hostile-images-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
async function png(path: string, [r, g, b]: number[]) {
  await sharp({ create: { width: 8, height: 8, channels: 3, background: { r, g, b } } }).png().toFile(path);
}

/** Labels by colour: every red sample must be 'dog', every blue one 'fish'. */
async function labelsByColour(root: string) {
  const ds = await openDataset(root, pre, { seed: 1, valFraction: 0, testFraction: 0 });
  const n = ds.size('train');
  const batch = await ds.getBatch('train', Array.from({ length: n }, (_, i) => i));
  const out: { colour: string; label: string }[] = [];
  for (let i = 0; i < n; i++) {
    const red = batch.x[i * 3 * 64]; // channel 0, pixel 0
    out.push({ colour: red > 0.5 ? 'red' : 'blue', label: ds.info.classes![Number(batch.labels[i])] });
  }
  return { ds, out };
}

describe('hostile image folders', () => {
  it('a link from a class folder back to the root is not followed: fish stay fish', async () => {
    const root = join(work, 'loop');
    mkdirSync(join(root, 'dog'), { recursive: true });
    mkdirSync(join(root, 'fish'));
    await png(join(root, 'dog', 'd1.png'), RED);
    await png(join(root, 'fish', 'f1.png'), BLUE);
    await png(join(root, 'fish', 'f2.png'), BLUE);
    symlinkSync('..', join(root, 'dog', 'back'));
    symlinkSync('.', join(root, 'fish', 'self'));
    const { ds, out } = await labelsByColour(root);
    expect(ds.info.classes).toEqual(['dog', 'fish']);
    expect(out.filter((s) => s.colour === 'blue').map((s) => s.label)).toEqual(['fish', 'fish']);
    expect(out.filter((s) => s.colour === 'red').map((s) => s.label)).toEqual(['dog']);
    const reasons = Object.fromEntries(ds.info.skipped.map((s) => [s.id.slice(root.length), s.reason]));
    expect(reasons['/dog/back']).toMatch(/outside its class folder; not followed/);
    expect(reasons['/fish/self']).toMatch(/already read/);
  });

  it('a file whose name is not UTF-8 is one skipped file, not a failed dataset', async () => {
    const root = join(work, 'names');
    mkdirSync(join(root, 'dog'), { recursive: true });
    mkdirSync(join(root, 'fish'));
    await png(join(root, 'dog', 'd1.png'), RED);
    await png(join(root, 'fish', 'f1.png'), BLUE);
    const bytesName = (folder: string, name: Buffer) => Buffer.concat([Buffer.from(join(root, folder) + '/'), name]);
    copyFileSync(join(root, 'dog', 'd1.png'), bytesName('dog', Buffer.from([0x62, 0xff, 0xfe, 0x2e, 0x70, 0x6e, 0x67])));
    // 200 bytes that are not UTF-8: decoded, each becomes U+FFFD (3 bytes), over the 255-byte name limit.
    copyFileSync(join(root, 'dog', 'd1.png'), bytesName('fish', Buffer.concat([Buffer.alloc(200, 0xff), Buffer.from('.png')])));
    const { ds, out } = await labelsByColour(root);
    expect(out).toEqual([
      { colour: 'red', label: 'dog' },
      { colour: 'blue', label: 'fish' },
    ]);
    expect(ds.info.skipped.filter((s) => s.reason.includes('not valid UTF-8'))).toHaveLength(2);
  });

  it.skipIf(process.platform === 'win32')('named pipes (and links to them) are skipped, never opened', async () => {
    const root = join(work, 'pipes');
    mkdirSync(join(root, 'dog'), { recursive: true });
    mkdirSync(join(root, 'fish'));
    await png(join(root, 'dog', 'd1.png'), RED);
    await png(join(root, 'fish', 'f1.png'), BLUE);
    expect(spawnSync('mkfifo', [join(root, 'dog', 'pipe.png')]).status).toBe(0);
    symlinkSync(join(root, 'dog', 'pipe.png'), join(root, 'fish', 'link.png'));
    const { ds, out } = await labelsByColour(root);
    expect(out.map((s) => s.label)).toEqual(['dog', 'fish']);
    const reasons = Object.fromEntries(ds.info.skipped.map((s) => [s.id.slice(root.length), s.reason]));
    expect(reasons['/dog/pipe.png']).toBe('a named pipe, not a regular file');
    expect(reasons['/fish/link.png']).toBe('a link to a named pipe, not a regular file');
  }, 15_000);
});
