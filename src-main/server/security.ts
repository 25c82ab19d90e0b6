// Who may talk to a `graft serve` instance: a page of this server's own origin that was handed
// the token. The checks guard against other local pages (DNS rebinding via Host, cross-site
// WebSockets via Origin) and other local users and services (the token).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/*
 * The token travels in request headers only, never in a cookie: a browser sends 127.0.0.1's
 * cookies to every port of the host, so any other local service the user opened received it.
 * The page keeps the token in its origin's storage (one origin per port) and names it on each
 * request: `Authorization: Bearer <token>` over HTTP, and a WebSocket subprotocol on the
 * handshake (a browser cannot set other headers on a WebSocket).
 */

/** The subprotocol the server answers with; the token rides as a second, offered one. */
export const API_PROTOCOL = 'graft';
export const TOKEN_PROTOCOL_PREFIX = 'graft-token.';

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

/** Hosts a loopback page may name in Host and Origin. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader !== undefined && allowedHosts(port).includes(hostHeader.toLowerCase());
}

/** A request without an Origin header passes (plain navigation); a present one must be ours. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);
}

export function tokensEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths; the length itself is not a secret (always 32).
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** The token offered as a WebSocket subprotocol (`graft-token.<token>`). */
export function protocolToken(req: IncomingMessage): string | undefined {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
}

export function hasValidBearer(req: IncomingMessage, token: string): boolean {
  return tokensEqual(bearerToken(req), token);
}

export function hasValidProtocolToken(req: IncomingMessage, token: string): boolean {
  return tokensEqual(protocolToken(req), token);
}
