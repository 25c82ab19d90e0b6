// The project store under races and kills: concurrent saves, a saver killed at random
// moments, the temp files such kills leave, and a damaged state.json.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProjectState } from '../../api/studio-types.js';
import { DEFAULT_DATA_OPTIONS } from '../../api/studio-types.js';
import { repoRoot } from '../../test-support/fixtures.js';
import { Workspace } from './workspace.js';

const work = mkdtempSync(join(tmpdir(), 'graft-workspace-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function project(name: string, tag: string, edits = 20): ProjectState {
  // Big enough that two writers' bytes would interleave visibly.
  const list = Array.from({ length: edits }, (_, i) => ({ type: 'freeze', blocks: [`${tag}-${i}`.repeat(20)] }));
  return { name, model: `/models/${tag}.onnx`, edits: list as unknown as ProjectState['edits'], data: null, dataOptions: DEFAULT_DATA_OPTIONS, train: {} };
}

describe('saving project.json', () => {
  it('300 rounds of two concurrent saves always leave valid JSON, one of the two', async () => {
    const ws = new Workspace(join(work, 'concurrent'));
    const file = join(ws.projectDir('p'), 'project.json');
    for (let round = 0; round < 300; round++) {
      await Promise.all([ws.save(project('p', `a${round}`)), ws.save(project('p', `b${round}`, 5))]);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as ProjectState;
      expect([`/models/a${round}.onnx`, `/models/b${round}.onnx`]).toContain(saved.model);
    }
    expect(readdirSync(ws.projectDir('p')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a saver killed at random moments never leaves an unreadable project file', async () => {
    const root = join(work, 'killed');
    const saver = join(work, 'saver.mts');
    const workspaceUrl = pathToFileURL(join(repoRoot, 'src-main/node/studio/workspace.ts')).href;
    writeFileSync(
      saver,
      `import { Workspace } from ${JSON.stringify(workspaceUrl)};\n` +
        `const ws = new Workspace(${JSON.stringify(root)});\n` +
        `const edits = Array.from({ length: 3000 }, (_, i) => ({ type: 'freeze', blocks: ['block-' + i] }));\n` +
        `for (let i = 0; ; i++) {\n` +
        `  await ws.save({ name: 'p', model: 'm' + i, edits, data: null, dataOptions: {}, train: {} });\n` +
        `  if (i === 0) process.stdout.write('saving\\n');\n` +
        `}\n`,
    );
    const file = join(root, 'projects', 'p', 'project.json');
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let kills = 0;
    for (let round = 0; round < 12; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', saver], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise((r) => child.once('exit', r));
      // Once it saves in a loop, anywhere within the next few saves.
      await new Promise((r) => child.stdout.once('data', r));
      await new Promise((r) => setTimeout(r, rand() * 60));
      expect(child.exitCode, stderr).toBeNull(); // still saving when the kill comes
      child.kill('SIGKILL');
      await exited;
      kills++;
      if (existsSync(file)) expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    }
    expect(kills).toBe(12);
    expect(existsSync(file)).toBe(true);
    // Whatever temp files the kills left, opening the project clears them.
    const loaded = await new Workspace(root).load('p');
    expect(loaded?.name).toBe('p');
    expect(readdirSync(join(root, 'projects', 'p')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('temp files and state.json', () => {
  it('removes temp files of dead writers, keeps those of live ones and other files', async () => {
    const ws = new Workspace(join(work, 'temps'));
    const dir = ws.projectDir('p');
    mkdirSync(dir, { recursive: true });
    // A pid that is certainly dead: a finished child's.
    const dead = await new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['-e', '0']);
      c.once('exit', () => resolve(c.pid!));
    });
    writeFileSync(join(dir, `project.json.graft-${dead}-1-abc123.tmp`), '{"half');
    writeFileSync(join(dir, `project.json.graft-${process.pid}-9-def456.tmp`), '{"in flight');
    writeFileSync(join(dir, 'notes.tmp'), 'the user\'s own file');
    await ws.load('p');
    expect(readdirSync(dir).sort()).toEqual(['notes.tmp', `project.json.graft-${process.pid}-9-def456.tmp`]);
  });

  it('a bad project name in state.json opens the default project instead of failing every start', async () => {
    const root = join(work, 'bad-state');
    mkdirSync(root, { recursive: true });
    for (const bad of ['../../etc', '.hidden', 'a/b', '', 'x'.repeat(300)]) {
      writeFileSync(join(root, 'state.json'), JSON.stringify({ lastProject: bad }));
      expect(await new Workspace(root).lastProject()).toBeNull();
    }
    writeFileSync(join(root, 'state.json'), JSON.stringify({ lastProject: 'fine name' }));
    expect(await new Workspace(root).lastProject()).toBe('fine name');
  });
});
