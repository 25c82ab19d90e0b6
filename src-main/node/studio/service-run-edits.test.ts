// Renaming and deleting runs: the label and the deletion are stored in the project, so a
// restarted studio lists what the user left.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunRecord } from '../../api/run-fold.js';
import type { RunRecord } from '../../api/studio-types.js';
import { DEFAULT_TRAIN_CONFIG } from '../../api/training.js';
import { errorOf, studioScratch } from '../../test-support/studio.js';

const { work, service } = studioScratch('run-edits');

describe('run rename and delete', () => {
  const ws = join(work, 'ws');
  const runsDir = join(ws, 'projects', 'untitled', 'runs');
  const store = (id: string, createdAt: string): RunRecord => {
    const r: RunRecord = { ...newRunRecord(id, 'feature extraction · 1 epoch', { ...DEFAULT_TRAIN_CONFIG } as RunRecord['config'], createdAt), status: 'done' };
    mkdirSync(join(runsDir, id, 'ckpt'), { recursive: true });
    writeFileSync(join(runsDir, id, 'run.json'), JSON.stringify(r));
    return r;
  };

  it('renames a stored run and deletes another with its files; a restarted studio sees both changes', async () => {
    store('aaaa-first', '2026-01-01T00:00:00.000Z');
    store('bbbb-second', '2026-01-02T00:00:00.000Z');
    const s = service({ mode: 'serve', roots: [], workspace: ws });
    expect((await s.renameRun({ id: 'aaaa-first', label: 'baseline, frozen backbone' })).label).toBe('baseline, frozen backbone');
    expect(await s.deleteRun({ id: 'bbbb-second' })).toEqual({ id: 'bbbb-second' });
    expect(existsSync(join(runsDir, 'bbbb-second'))).toBe(false);

    const restarted = service({ mode: 'serve', roots: [], workspace: ws });
    expect((await restarted.listRuns()).map((r) => [r.id, r.label])).toEqual([['aaaa-first', 'baseline, frozen backbone']]);
    expect((await errorOf(restarted.deleteRun({ id: 'bbbb-second' }))).code).toBe('run-not-found');
    expect((await errorOf(restarted.renameRun({ id: 'cccc-none', label: 'x' }))).code).toBe('run-not-found');
  });
});
