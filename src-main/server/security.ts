// Who may talk to a `graft serve` instance: a browser on this machine that was handed the
// token. The checks guard against other local pages (DNS rebinding via Host, cross-site
// WebSockets via Origin) and other local users (the token).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The login cookie's name, one per port. Browsers keep cookies per host, not per port: with one
 * name, a second studio on 127.0.0.1 overwrote the first one's cookie and logged it out.
 * A name does not scope a cookie: the browser still sends it to any service on the host's other
 * ports that the user opens (SameSite=Strict only keeps it off other sites' requests).
 */
export function cookieName(port: number): string {
  return `graft_token_${port}`;
}

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

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function authCookie(token: string, port: number): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export function hasValidCookie(req: IncomingMessage, token: string, port: number): boolean {
  return tokensEqual(readCookie(req, cookieName(port)), token);
}
