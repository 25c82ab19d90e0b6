// The login of a page served by `graft serve`. The printed URL carries the token once, in its
// fragment (`#token=…`), which a browser never sends to any server: no log, no Referer. The page
// keeps it in its origin's storage, and an origin is one port, so no other local service (another
// port of 127.0.0.1, which would receive cookies) ever sees it. It then names it on each request.

const KEY = 'graft-token';
const IN_FRAGMENT = /(?:^#|&)token=([0-9a-f]{32})(?:&|$)/;

/**
 * Takes a token from the address bar into storage and strips it from the address bar (and so
 * from history and bookmarks); the stored token otherwise, or null when this page has none.
 */
export function loginToken(): string | null {
  const m = IN_FRAGMENT.exec(location.hash);
  if (m) {
    try {
      localStorage.setItem(KEY, m[1]);
    } catch {
      // Storage refused (a private mode): the token still serves this page until it is closed.
    }
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    return m[1];
  }
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The header each HTTP request to the engine carries. */
export function authHeaders(token: string | null): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** The WebSocket subprotocols offered: the server answers `graft`; the second carries the token. */
export function tokenProtocols(token: string | null): string[] {
  return token ? ['graft', `graft-token.${token}`] : ['graft'];
}

export const UNAUTHORIZED_MESSAGE = 'Unauthorized: this page holds no valid token for this studio. Open the URL that `graft serve` printed (it ends in #token=…).';
