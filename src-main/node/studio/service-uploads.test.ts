// Dropped files as the engine tells of them: an upload sits in a folder of the studio's own
// (projects/<name>/uploads/<batch>), which no message to the user may name.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_OPTIONS } from '../../api/training.js';
import { errorOf, studioScratch } from '../../test-support/studio.js';
import { defaultModelPath } from '../resources.js';

const { work, service } = studioScratch('uploads');

describe('errors about uploaded files', () => {
  const ws = join(work, 'ws');
  const s = service({ mode: 'serve', workspace: ws });
  const batch = join(ws, 'projects', 'untitled', 'uploads', 'up-mx8tsyvc-fc85a6');

  it('name a dropped .txt file and the kinds of dataset accepted, not the upload folder', async () => {
    mkdirSync(batch, { recursive: true });
    writeFileSync(join(batch, 'notes.txt'), 'hello\n');
    const e = await errorOf(s.openDataset({ path: batch, model: defaultModelPath, options: DEFAULT_DATA_OPTIONS }));
    expect(e.code).toBe('dataset-unknown-kind');
    expect(e.message).toMatch(/^"notes.txt": not a dataset; the studio reads a folder of class folders .*IDX files .*a CSV file/);
    expect(e.message).not.toContain(ws);
  });

  it('say "the dropped files" where an engine message names the upload itself', async () => {
    const one = join(batch, 'shapes', 'circle');
    mkdirSync(one, { recursive: true });
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 9, g: 9, b: 9 } } })
      .png()
      .toFile(join(one, 'a.png'));
    const e = await errorOf(s.openDataset({ path: join(batch, 'shapes'), model: defaultModelPath, options: DEFAULT_DATA_OPTIONS }));
    expect(e.code).toBe('dataset-single-class');
    expect(e.message).toContain("shapes has 1 ('circle')");
    expect(e.message).not.toContain(ws);
  });
});
