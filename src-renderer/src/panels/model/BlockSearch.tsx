// Finding a block by name or path in a large model: Enter opens its ancestors, selects it and
// centres it on the canvas; repeated Enter steps through the matches.
import { useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { matchBlocks } from '../../graph/search.js';
import { useStudio } from '../../state/store.js';

export function BlockSearch() {
  const index = useStudio((s) => s.index);
  const focusBlock = useStudio((s) => s.focusBlock);
  const [query, setQuery] = useState('');
  const [at, setAt] = useState(0);
  // The blocks the user had open before this query's first step.
  const base = useRef<ReadonlySet<string> | null>(null);
  const paths = useMemo(() => (index ? [...index.byPath.keys()].filter((p) => p !== '') : []), [index]);
  const matches = useMemo(() => matchBlocks(paths, query), [paths, query]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (matches.length === 0) return;
    const i = at % matches.length;
    base.current ??= useStudio.getState().expanded;
    focusBlock(matches[i], base.current);
    setAt(i + 1);
  };
  return (
    <form className="block-search" role="search" onSubmit={submit}>
      <label className="visually-hidden" htmlFor="block-search">
        Find a block
      </label>
      <input
        id="block-search"
        data-testid="block-search"
        type="search"
        placeholder="Find a block…"
        value={query}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => {
          setQuery(e.target.value);
          setAt(0);
          base.current = null;
        }}
      />
      <span className="muted" aria-live="polite" data-testid="block-search-count">
        {query.trim() ? (matches.length ? `${Math.min(at, matches.length) || 1}/${matches.length}` : 'no match') : ''}
      </span>
    </form>
  );
}
