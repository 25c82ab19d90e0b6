// Block search: which block paths a query names, best first.

/** Exact path first, then exact name, then paths containing the query. */
export function matchBlocks(paths: string[], query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const name = (p: string) => p.split('/').pop()!.toLowerCase();
  const exact = paths.filter((p) => p.toLowerCase() === q);
  const named = paths.filter((p) => name(p) === q && !exact.includes(p));
  const rest = paths.filter((p) => p.toLowerCase().includes(q) && !exact.includes(p) && !named.includes(p));
  return [...exact, ...named, ...rest];
}
