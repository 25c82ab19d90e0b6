// Fuzz suite (kept, run by `npm test`): seeded mutations of small valid models (truncation,
// byte flips, varint bombs, cycles, absurd dims, deep nesting, dangling names, hostile
// attributes and ops) through inspect's description, the studio's model view and a
// training-step compile, in worker processes watched from here, plus a sample through the
// real `graft inspect` command with its onnxruntime probe. Every case must end within 20 s,
// without a crash, and every refusal must be one line.
//   GRAFT_FUZZ=10000 npx vitest run src-main/cli/model-fuzz.test.ts   (default 500 cases)
//   GRAFT_FUZZ_SEED=7 picks another corpus.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workerExecArgv } from '../node/worker-process.js';
import { repoRoot } from '../test-support/fixtures.js';
import { type CaseReport, seedModels } from '../test-support/fuzz/corpus.js';
import { mutateCase } from '../test-support/fuzz/mutations.js';

const CASES = Number(process.env.GRAFT_FUZZ ?? 500);
const SEED = Number(process.env.GRAFT_FUZZ_SEED ?? 12);
const HANG_MS = 20_000;
const PROCESSES = 2;
/** Cases that also go through the real `graft inspect` (with its probe), spread evenly: each costs a process start. */
const CLI_RUNS = CASES >= 10_000 ? 100 : 4;
const CLI_EVERY = Math.max(1, Math.ceil(CASES / CLI_RUNS));

const work = mkdtempSync(join(tmpdir(), 'graft-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Outcome = { index: number; kind: 'report'; report: CaseReport } | { index: number; kind: 'hang' | 'crash'; detail: string };

/** Runs cases [start, end) in worker processes, one at a time, restarting after a hang or crash. */
async function runRange(start: number, end: number): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let next = start;
  const entry = join(repoRoot, 'src-main/test-support/fuzz/fuzz-worker.ts');
  while (next < end) {
    const child: ChildProcess = fork(entry, [String(SEED), String(next), String(end), work], { execArgv: workerExecArgv(entry), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    let running = -1;
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, HANG_MS);
    };
    arm();
    child.on('message', (m: { started?: number } | CaseReport) => {
      arm();
      if ('started' in m && m.started !== undefined) running = m.started;
      else {
        const report = m as CaseReport;
        out.push({ index: report.index, kind: 'report', report });
        next = report.index + 1;
        running = -1;
      }
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
    clearTimeout(timer);
    if (next >= end && code === 0) break;
    // The worker ended early: the case it was running is at fault (or the next one, if it died between cases).
    const at = running >= 0 ? running : next;
    out.push({ index: at, kind: hung ? 'hang' : 'crash', detail: hung ? `no answer in ${HANG_MS / 1000} s` : `exit ${code} ${signal ?? ''} ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
    next = at + 1;
  }
  return out;
}

function graftInspect(path: string): Promise<{ code: number | null; signal: string | null; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(repoRoot, 'bin/graft.js'), 'inspect', path], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, ms: Date.now() - started });
    });
  });
}

describe(`model fuzz: ${CASES} mutated models, seed ${SEED}`, () => {
  it('no crash, no hang, and a one-line reason for every refusal', async () => {
    const started = Date.now();
    const per = Math.ceil(CASES / PROCESSES);
    const ranges = Array.from({ length: PROCESSES }, (_, k) => [k * per, Math.min(CASES, (k + 1) * per)] as const).filter(([a, b]) => a < b);
    const outcomes = (await Promise.all(ranges.map(([a, b]) => runRange(a, b)))).flat().sort((a, b) => a.index - b.index);

    const hangs = outcomes.filter((o) => o.kind === 'hang');
    const crashes = outcomes.filter((o) => o.kind === 'crash');
    const reports = outcomes.flatMap((o) => (o.kind === 'report' ? [o.report] : []));
    const failures = reports.flatMap((r) => r.stages.filter((s) => !s.ok).map((s) => ({ index: r.index, mutation: r.mutation, ...s })));
    const multiLine = failures.filter((f) => !f.message || f.message.includes('\n'));
    const internal = failures.filter((f) => !f.graft);
    const accepted = reports.filter((r) => r.stages.every((s) => s.ok)).length;
    const summary = {
      cases: CASES,
      seconds: Math.round((Date.now() - started) / 1000),
      crashes: crashes.length,
      hangs: hangs.length,
      acceptedByAll: accepted,
      refusals: failures.length,
      internalErrors: internal.length,
      multiLineReasons: multiLine.length,
      byCode: failures.reduce<Record<string, number>>((acc, f) => ((acc[f.code ?? '?'] = (acc[f.code ?? '?'] ?? 0) + 1), acc), {}),
    };
    console.log(`fuzz summary ${JSON.stringify(summary)}`);
    const slowest = [...reports].sort((a, b) => b.ms - a.ms).slice(0, 5);
    console.log(`slowest cases: ${slowest.map((r) => `${r.index} ${r.mutation} (seed model ${r.seedModel}) ${r.ms} ms`).join('; ')}`);
    for (const f of internal.slice(0, 10)) console.log(`internal error: case ${f.index} (${f.mutation}) ${f.stage}: ${f.code}: ${f.message}`);
    for (const o of [...hangs, ...crashes].slice(0, 10)) console.log(`${o.kind}: case ${o.index}: ${o.kind === 'report' ? '' : o.detail}`);
    for (const f of multiLine.slice(0, 5)) console.log(`multi-line reason: case ${f.index} (${f.mutation}) ${f.stage}: ${f.code}: ${JSON.stringify(f.message)}`);

    expect(outcomes.length).toBe(CASES);
    expect(crashes, JSON.stringify(crashes.slice(0, 5))).toEqual([]);
    expect(hangs, JSON.stringify(hangs.slice(0, 5))).toEqual([]);
    expect(multiLine.slice(0, 5)).toEqual([]);
    expect(internal.slice(0, 5).map((f) => `${f.index} ${f.mutation} ${f.stage}: ${f.code}: ${f.message}`)).toEqual([]);
  }, 3_600_000);

  it('`graft inspect` (with its onnxruntime probe) on a sample: never a signal, a hang or a silent non-zero exit', async () => {
    const seeds = seedModels();
    const silent: string[] = [];
    const bad: string[] = [];
    let count = 0;
    for (let index = 0; index < CASES; index += CLI_EVERY) {
      const { bytes, mutation } = mutateCase(seeds, SEED, index);
      const path = join(work, `inspect-${index}.onnx`);
      writeFileSync(path, bytes);
      const r = await graftInspect(path);
      count++;
      if (r.signal || r.code === null || r.ms >= HANG_MS) bad.push(`case ${index} (${mutation}): ${r.signal ?? 'hang'} after ${r.ms} ms`);
      else if (r.code !== 0 && r.stderr.trim() === '') silent.push(`case ${index} (${mutation}): exit ${r.code} with nothing on stderr`);
      else if (r.code !== 0 && r.stderr.trim().split('\n').length !== 1) silent.push(`case ${index} (${mutation}): ${r.stderr.trim().split('\n').length} lines on stderr: ${r.stderr}`);
    }
    console.log(`fuzz inspect sample: ${count} runs, ${bad.length} crashes or hangs, ${silent.length} silent or multi-line exits`);
    expect(bad).toEqual([]);
    expect(silent).toEqual([]);
  }, 3_600_000);
});
