// Powers of ten as people read them: the engine's words write "10^-7" (plain text for the
// terminal too); the studio shows 10⁻⁷.
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

export function superscriptPowers(text: string): string {
  return text.replace(/10\^(-?\d+)/g, (_m, k: string) => `10${[...k].map((c) => SUPERSCRIPT[c]).join('')}`);
}
