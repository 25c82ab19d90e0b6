// Which nodes of a step a GPU provider actually ran. A session asks for the GPU provider with
// the CPU's behind it (session.ts), so a node the GPU provider has no kernel for runs on the
// CPU, with copies between the two around it: correct, but slow, and invisible unless told.
// onnxruntime's profile of one run names the provider of every node it ran; this reads it.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { Device } from './devices.js';

export interface Placement {
  device: Device;
  /** Nodes run by the GPU provider. */
  onDevice: number;
  /** Nodes the GPU provider could not run, by name, with their op type. */
  onCpu: Array<{ node: string; op: string }>;
  /** Copies onnxruntime inserted between device and host memory. */
  copies: number;
  /** Milliseconds per op type in the profile's last run (the earlier ones include warm-up). */
  lastRunMs: Map<string, number>;
}

interface ProfileEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string; provider?: string };
}

/** A folder for one session's profile; `finish` reads and removes it. */
export async function placementProfile(): Promise<{ prefix: string; finish(session: ort.InferenceSession, device: Device): Promise<Placement | null> }> {
  const dir = await mkdtemp(join(tmpdir(), 'graft-placement-'));
  return {
    prefix: join(dir, 'step'),
    async finish(session, device) {
      try {
        // Writes the profile of the runs so far and stops profiling the rest.
        await session.endProfiling();
        const file = (await readdir(dir)).find((f) => f.endsWith('.json'));
        const placement = file ? placementOf(JSON.parse(await readFile(join(dir, file), 'utf8')) as ProfileEvent[], device) : null;
        // No node ran in this session yet (a one-step epoch ran its step on the host twin).
        return placement && placement.onDevice + placement.onCpu.length > 0 ? placement : null;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The placement a profile records (each node once, however many runs it holds). */
export function placementOf(events: readonly ProfileEvent[], device: Device): Placement {
  const seen = new Map<string, { op: string; provider: string }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || !e.args?.provider) continue;
    seen.set(e.name.slice(0, -'_kernel_time'.length), { op: e.args.op_name ?? '?', provider: e.args.provider });
  }
  const placement: Placement = { device, onDevice: 0, onCpu: [], copies: 0, lastRunMs: new Map() };
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const last = runs[runs.length - 1];
  if (last?.ts !== undefined && last.dur !== undefined) {
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || e.ts === undefined || e.ts < last.ts || e.ts > last.ts + last.dur) continue;
      const op = e.args?.op_name ?? '?';
      placement.lastRunMs.set(op, (placement.lastRunMs.get(op) ?? 0) + (e.dur ?? 0) / 1000);
    }
  }
  for (const [node, { op, provider }] of seen) {
    if (op === 'MemcpyToHost' || op === 'MemcpyFromHost') placement.copies++;
    else if (provider === 'CPUExecutionProvider') placement.onCpu.push({ node, op });
    else placement.onDevice++;
  }
  return placement;
}

/** One line for the run's log: how much of the step the GPU ran, and what it left to the CPU. */
export function describePlacement(p: Placement): string {
  const total = p.onDevice + p.onCpu.length;
  if (p.onCpu.length === 0) return `${p.device}: all ${total} nodes of the step run on the GPU`;
  const byOp = new Map<string, number>();
  for (const { op } of p.onCpu) byOp.set(op, (byOp.get(op) ?? 0) + 1);
  const ops = [...byOp].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} x${n}`);
  return `${p.device}: ${p.onDevice} of ${total} nodes of the step run on the GPU; ${p.onCpu.length} fall back to the CPU (no ${p.device} kernel): ${ops.join(', ')}; ${p.copies} copies between GPU and host memory`;
}
