// Class folders are ordered as torchvision's ImageFolder orders them (Python's sorted()), which
// compares Unicode code points. JavaScript's default sort compares UTF-16 code units, which puts
// astral characters (emoji, U+10000 and up, stored as surrogates 0xD800..0xDFFF) before
// characters in U+E000..U+FFFF. Comparing code points keeps class indices the same as in Python.

export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  // One is a prefix of the other (equal code points use equal code units, so i === j here).
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function sortByCodePoint(names: readonly string[]): string[] {
  return [...names].sort(compareCodePoints);
}
