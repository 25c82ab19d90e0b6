// Field checkers for request validation: each takes what arrived and a name for the message,
// and returns the value typed, or throws `Invalid` with a sentence that names the field.
// Pure TypeScript: no Node.

/** Longest path a request may carry; far above any real file path. */
const MAX_PATH_LENGTH = 4096;
/** Deepest nesting of free-form data (edit records, panel settings); real ones need 4. */
export const MAX_DATA_DEPTH = 32;

export class Invalid extends Error {}

export function fail(message: string): never {
  throw new Invalid(message);
}

export type Obj = Record<string, unknown>;

export function object(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(`${what} must be an object`);
  return x as Obj;
}

export function path(x: unknown, what: string): string {
  if (typeof x !== 'string' || x.length === 0) fail(`${what} must be a non-empty string path`);
  if (x.length > MAX_PATH_LENGTH || x.includes('\0')) fail(`${what}: path is not acceptable`);
  return x;
}

export function int(x: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) fail(`${what} must be a whole number in [${min}, ${max}]`);
  return x;
}

export function num(x: unknown, what: string, min: number, max: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) fail(`${what} must be a number in [${min}, ${max}]`);
  return x;
}

export function bool(x: unknown, what: string): boolean {
  if (typeof x !== 'boolean') fail(`${what} must be true or false`);
  return x;
}

export function oneOf<T extends string>(x: unknown, what: string, allowed: readonly T[]): T {
  if (typeof x !== 'string' || !(allowed as readonly string[]).includes(x)) fail(`${what} must be one of ${allowed.join(', ')}`);
  return x as T;
}

export function nullable<T>(x: unknown, check: (v: unknown) => T): T | null {
  return x === null || x === undefined ? null : check(x);
}

export function intList(x: unknown, what: string, max: number): number[] {
  if (!Array.isArray(x) || x.length > max) fail(`${what} must be a list of at most ${max} whole numbers`);
  return x.map((v, i) => int(v, `${what}[${i}]`, 0));
}

export function name(x: unknown, what: string): string {
  if (typeof x !== 'string' || !/^[\p{L}\p{N} _.-]{1,64}$/u.test(x) || x.startsWith('.')) {
    fail(`${what} must be 1-64 letters, digits, spaces, "_", "-" or "." (not starting with ".")`);
  }
  return x;
}

export function runId(x: unknown): string {
  if (typeof x !== 'string' || !/^[a-z0-9-]{1,64}$/.test(x)) fail('id must be a run id');
  return x;
}

/**
 * A copy of free-form data as JSON would carry it (getters read, functions and undefined
 * fields dropped, non-finite numbers null), refused past MAX_DATA_DEPTH levels: a message
 * nested thousands deep must not overflow the stack of the process that reads it.
 */
export function plainData(x: unknown, what: string, depth = 0): unknown {
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  if (typeof x !== 'object') return undefined;
  if (depth >= MAX_DATA_DEPTH) fail(`${what} is nested more than ${MAX_DATA_DEPTH} levels deep`);
  if (Array.isArray(x)) return x.map((v) => plainData(v, what, depth + 1) ?? null);
  const out: Obj = {};
  for (const k of Object.keys(x)) {
    const v = plainData((x as Obj)[k], what, depth + 1);
    // Own data properties only: a key such as "__proto__" must not become the prototype.
    if (v !== undefined) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
