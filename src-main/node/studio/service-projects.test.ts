// The studio's engine: projects saved, reopened after a restart, damaged, and refused.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProjectState } from '../../api/studio-types.js';
import { errorOf, FASHION, FE_EDITS, haveFashion, studioScratch } from '../../test-support/studio.js';
import { defaultModelPath } from '../resources.js';
import { createStudioService, type StudioService } from './service.js';

const { work, service } = studioScratch('projects');

describe('projects', () => {
  const ws = join(work, 'ws-projects');
  let s: StudioService;

  beforeAll(() => {
    s = service({ workspace: ws });
  });

  it('a fresh workspace opens the default project on the initial model', async () => {
    const { project, runs } = await s.loadProject({ name: null });
    expect(project).toEqual({
      name: 'untitled',
      model: defaultModelPath,
      edits: [],
      data: haveFashion ? FASHION : null,
      dataOptions: haveFashion ? { classes: [5, 6, 7, 8, 9], perClassLimit: 100, valFraction: 0.1, seed: 0 } : { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 },
      train: {},
    });
    expect(runs).toEqual([]);
  });

  it('reopens the saved project after a restart, and lists it', async () => {
    const saved: ProjectState = {
      name: 'Sandals ü 1',
      model: defaultModelPath,
      edits: FE_EDITS,
      data: '/some/data',
      dataOptions: { classes: [5, 6], perClassLimit: 20, valFraction: 0.2, seed: 3 },
      train: { epochs: 3, optimizer: 'adamw', lr: 0.003 },
    };
    const { savedAt } = await s.saveProject({ project: saved });
    expect(Number.isNaN(Date.parse(savedAt))).toBe(false);
    const restarted = service({ workspace: ws });
    const { project } = await restarted.loadProject({ name: null });
    expect(project).toMatchObject(saved);
    expect((await restarted.listProjects()).map((p) => [p.name, p.runs])).toEqual([['Sandals ü 1', 0]]);
    expect(await restarted.loadProject({ name: 'Sandals ü 1' })).toMatchObject({ project: saved, runs: [] });
  });

  it('a project never saved opens as a default one under its name', async () => {
    const { project } = await s.loadProject({ name: 'brand new' });
    expect(project.name).toBe('brand new');
    expect(project.edits).toEqual([]);
    expect(project.model).toBe(defaultModelPath);
  });

  it('a corrupt project.json is reported, not replaced', async () => {
    const dir = join(ws, 'projects', 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'project.json'), '{"name": "broken", "edits": [');
    const e = await errorOf(s.loadProject({ name: 'broken' }));
    expect(e.code).toBe('project-corrupt');
    expect(e.message).toContain(join(dir, 'project.json'));
    expect(readFileSync(join(dir, 'project.json'), 'utf8')).toBe('{"name": "broken", "edits": [');
  });

  it('reopening on start sets a damaged last project aside instead of failing or overwriting it', async () => {
    const wsDamaged = join(work, 'ws-damaged');
    const first = createStudioService({ mode: 'serve', initialModel: defaultModelPath, roots: [], workspace: wsDamaged });
    await first.saveProject({ project: { name: 'damaged', model: defaultModelPath, edits: [], data: null, dataOptions: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 }, train: {} } });
    const dir = join(wsDamaged, 'projects', 'damaged');
    writeFileSync(join(dir, 'project.json'), '{"name": "damaged", "ed');
    const second = createStudioService({ mode: 'serve', initialModel: defaultModelPath, roots: [], workspace: wsDamaged });
    const { project } = await second.loadProject({ name: null });
    expect(project.name).toBe('damaged');
    expect(project.edits).toEqual([]);
    const aside = readdirSync(dir).filter((f) => f.startsWith('project.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe('{"name": "damaged", "ed');
    first.close();
    second.close();
  });

  it('the service itself refuses project names that are not folder names', async () => {
    const base: ProjectState = { name: 'x', model: null, edits: [], data: null, dataOptions: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 }, train: {} };
    for (const name of ['../escaped', '.hidden', 'a/b']) {
      expect((await errorOf(s.saveProject({ project: { ...base, name } }))).code, name).toBe('project-name');
    }
    expect(existsSync(join(ws, 'escaped'))).toBe(false);
    expect(existsSync(join(ws, 'projects', '.hidden'))).toBe(false);
  });

  it('a refused save leaves the current project as it was', async () => {
    const guarded = service({ mode: 'serve', workspace: join(work, 'ws-refused-save') });
    const base: ProjectState = { name: 'x', model: null, edits: [], data: null, dataOptions: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 }, train: {} };
    expect((await errorOf(guarded.saveProject({ project: { ...base, name: '../escaped' } }))).code).toBe('project-name');
    // Still usable: the allowed roots, the runs and the uploads folder all name the current project.
    expect((await guarded.openModel({ path: defaultModelPath })).summary.totalParams).toBeGreaterThan(0);
    expect(await guarded.listRuns()).toEqual([]);
    expect(guarded.uploadsDir()).toBe(join(work, 'ws-refused-save', 'projects', 'untitled', 'uploads'));
  });
});
