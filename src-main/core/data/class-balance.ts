// Warnings about the class distribution that do not stop training but explain poor results.

/** Ratio between the largest and smallest train class above which we warn. */
export const IMBALANCE_RATIO = 3;

export function classBalanceWarnings(classes: readonly string[], train: Record<string, number>, heldOut: Record<'val' | 'test', Record<string, number>>): string[] {
  const warnings: string[] = [];
  const sizes = classes.map((c) => [c, train[c] ?? 0] as const);
  const present = sizes.filter(([, n]) => n > 0);
  if (present.length >= 2) {
    const largest = present.reduce((a, b) => (b[1] > a[1] ? b : a));
    const smallest = present.reduce((a, b) => (b[1] < a[1] ? b : a));
    const ratio = largest[1] / smallest[1];
    if (ratio >= IMBALANCE_RATIO) {
      warnings.push(`class imbalance: '${largest[0]}' has ${largest[1]} train samples, '${smallest[0]}' only ${smallest[1]} (${ratio.toFixed(1)}x fewer)`);
    }
  }
  for (const [c, n] of sizes) if (n === 0) warnings.push(`class '${c}' has no train samples`);
  for (const split of ['val', 'test'] as const) {
    const total = Object.values(heldOut[split]).reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    const missing = classes.filter((c) => !heldOut[split][c]);
    if (missing.length) warnings.push(`the ${split} split has no samples of ${missing.map((c) => `'${c}'`).join(', ')}`);
  }
  return warnings;
}
