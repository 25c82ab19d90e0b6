// Where a log axis puts its labelled ticks (pure, so it is tested without a canvas).

/**
 * Ticks of a log axis: one per decade (every k-th, so at most about six); within a span of at
 * most two decades also the 2s and 5s, so a narrow range never reads with a single tick.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > min)) return [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  // At most about six labels, however many decades the data spans.
  const every = Math.max(1, Math.ceil((hi - lo) / 6));
  const mantissas = hi - lo <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k++) {
    if ((k - lo) % every !== 0) continue;
    for (const m of mantissas) {
      const v = Number(`${m}e${k}`); // exactly the decimal, not m * 10 ** k's nearby double
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}
