import { afterEach, describe, expect, it, vi } from 'vitest';
import { authHeaders, loginToken, tokenProtocols } from './serve-token.js';

const TOKEN = '0123456789abcdef0123456789abcdef';

/** A page at `href` with an empty origin storage; returns the storage and the address bar's history. */
function page(href: string) {
  const url = new URL(href);
  const store = new Map<string, string>();
  const replaced: string[] = [];
  vi.stubGlobal('location', { hash: url.hash, pathname: url.pathname, search: url.search });
  vi.stubGlobal('localStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) });
  vi.stubGlobal('history', { state: null, replaceState: (_s: unknown, _t: string, u: string) => void replaced.push(u) });
  return { store, replaced };
}

afterEach(() => vi.unstubAllGlobals());

describe('the page login of graft serve', () => {
  it('takes the token from the fragment into storage and off the address bar', () => {
    const { store, replaced } = page(`http://127.0.0.1:4100/runs?x=1#token=${TOKEN}`);
    expect(loginToken()).toBe(TOKEN);
    expect([...store.values()]).toEqual([TOKEN]);
    expect(replaced).toEqual(['/runs?x=1']);
  });

  it('uses the stored token on a later load, and has none when never given one', () => {
    const { store, replaced } = page('http://127.0.0.1:4100/');
    expect(loginToken()).toBeNull();
    store.set('graft-token', TOKEN);
    expect(loginToken()).toBe(TOKEN);
    expect(replaced).toEqual([]);
  });

  it('ignores a fragment that is not a token', () => {
    const { store } = page('http://127.0.0.1:4100/#token=../../x');
    expect(loginToken()).toBeNull();
    expect(store.size).toBe(0);
  });

  it('names the token in a Bearer header and a WebSocket subprotocol, nowhere without one', () => {
    expect(authHeaders(TOKEN)).toEqual({ Authorization: `Bearer ${TOKEN}` });
    expect(tokenProtocols(TOKEN)).toEqual(['graft', `graft-token.${TOKEN}`]);
    expect(authHeaders(null)).toEqual({});
    expect(tokenProtocols(null)).toEqual(['graft']);
  });
});
