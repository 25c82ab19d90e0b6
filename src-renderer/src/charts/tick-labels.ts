// An axis's tick labels, in one notation per axis.

/**
 * Small learning rates and log axes spanning decades read as 3e-4, never as 0, and never mix
 * 0.01 with 9e-3. Shares (accuracy) read as percentages, as the evaluation states them.
 */
export function tickLabels(ticks: (number | null)[], percent = false): string[] {
  if (percent) return ticks.map((v) => (v === null || !Number.isFinite(v) ? '' : `${+(v * 100).toPrecision(3)}%`));
  const finite = ticks.filter((v): v is number => v !== null && Number.isFinite(v) && v !== 0).map(Math.abs);
  const exp = finite.some((a) => a < 0.01 || a >= 1e5);
  return ticks.map((v) => {
    if (v === null || !Number.isFinite(v)) return '';
    if (v === 0) return '0';
    return exp ? v.toExponential(1).replace('.0e', 'e').replace('e+', 'e') : String(+v.toPrecision(3));
  });
}
