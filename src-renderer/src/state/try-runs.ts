// Which run the Try panel uses and what it sends: pure helpers of the Try slice.
import type { RunRecord } from '../../../src-main/api/contract.js';

/** Runs whose model can be tried: finished with an export on disk. */
export function tryableRuns(runs: RunRecord[]): RunRecord[] {
  return runs.filter((r) => r.export !== null && (r.status === 'done' || r.status === 'stopped'));
}

/** The run the panel uses: the chosen one while it can be tried, else the latest that can. */
export function triedRun(runs: RunRecord[], chosen: string | null): RunRecord | null {
  const ok = tryableRuns(runs);
  return ok.find((r) => r.id === chosen) ?? ok[ok.length - 1] ?? null;
}

/** The split samples come from, and how many it holds. */
export function sampleSplit(run: RunRecord): { split: 'test' | 'val'; size: number } | null {
  const s = run.start?.samples;
  if (!s) return null;
  if (s.test > 0) return { split: 'test', size: s.test };
  return s.val > 0 ? { split: 'val', size: s.val } : null;
}

/** `count` distinct indices below `size`, at random. */
export function randomIndices(size: number, count: number, random = Math.random): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, size)) picked.add(Math.floor(random() * size));
  return [...picked];
}

/** File names made distinct, so that two dropped "image.png" do not overwrite one another. */
export function distinctNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${k}-${n}`;
  });
}
