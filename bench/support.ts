// Small helpers the benchmarks share.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

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
