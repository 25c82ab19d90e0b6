// Classes renamed by the user, keyed by the source's own names (DataOptions.renames).

/** `renames` with class `source` called `name` (a name back to the source's own drops the entry). */
export function withRename(renames: Record<string, string> | null | undefined, source: string, name: string): Record<string, string> | null {
  const next = { ...renames };
  if (name === source) delete next[source];
  // A property of its own whatever the class is called (even "__proto__").
  else Object.defineProperty(next, source, { value: name, enumerable: true, writable: true, configurable: true });
  return Object.keys(next).length > 0 ? next : null;
}
