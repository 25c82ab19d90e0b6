// Small helpers the benchmarks share.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const argv = process.argv.slice(2);

/** Whether `--name` was given on the command line. */
export const flag = (name: string) => argv.includes(`--${name}`);

/** The value after `--name`, or `dflt`. */
export const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};

/** Milliseconds since `t0` (a performance.now() reading). */
export const ms = (t0: number) => performance.now() - t0;

/** Deterministic pseudo-random floats (standard-normal-ish), so runs feed the same batch. */
export function randomFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // xorshift32, sum of 3 uniforms: cheap and bell-shaped enough for timing
    let acc = 0;
    for (let k = 0; k < 3; k++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      acc += s / 4294967296;
    }
    out[i] = (acc - 1.5) * 2;
  }
  return out;
}

/**
 * A Python script serving PyTorch on request, one JSON object per line each way, so that its
 * steps interleave with Graft's (one side computes at a time; both see the same machine load).
 * The first line the script prints is its hello (versions, threads).
 */
export class PythonServer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private lines: string[] = [];
  private waiting: ((line: string) => void)[] = [];
  private stderr = '';
  private closed: string | null = null;

  constructor(args: string[]) {
    this.proc = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    const fail = (why: string) => {
      this.closed = why;
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: why }));
    };
    this.proc.on('error', (e) => fail(String(e)));
    this.proc.on('close', (code) => fail(`python exited with ${code}: ${this.stderr}`));
  }

  private next(): Promise<Record<string, unknown>> {
    const parse = (line: string) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (r.error) throw new Error(`PyTorch: ${String(r.error)}`);
      return r;
    };
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(parse(ready));
    if (this.closed) return Promise.reject(new Error(this.closed));
    return new Promise((resolve, reject) =>
      this.waiting.push((line) => {
        try {
          resolve(parse(line));
        } catch (e) {
          reject(e);
        }
      }),
    );
  }

  /** The script's first line. */
  hello(): Promise<Record<string, unknown>> {
    return this.next();
  }

  async call(msg: Record<string, string>): Promise<Record<string, unknown>> {
    if (this.closed) throw new Error(this.closed);
    this.proc.stdin.write(`${JSON.stringify(msg)}\n`);
    return this.next();
  }

  close(): void {
    this.proc.stdin.end();
  }
}
